using Onnx;
using WPAI.Inference.Tools;

namespace WPAI.Inference.Tests;

/// <summary>Small ONNX models written with OnnxSharp for the server's edge cases.</summary>
internal static class TinyModels
{
    /// <summary>y = 2·x, x FP32 [batch or 1, 4].</summary>
    public static ModelProto Doubler(bool dynamicBatch)
    {
        var graph = new GraphProto { Name = "doubler" };
        graph.Input.Add(Value("x", OnnxTensors.Float, dynamicBatch ? null : 1, 4));
        graph.Output.Add(Value("y", OnnxTensors.Float, dynamicBatch ? null : 1, 4));
        graph.Initializer.Add(OnnxTensors.Scalar("two", 2f));
        graph.Node.Add(OnnxNodes.Node("Mul", "mul", ["x", "two"], ["y"]));
        return Wrap(graph);
    }

    /// <summary>Echoes one [2,3] input of each served datatype to an output of the same type.</summary>
    public static ModelProto Types()
    {
        var graph = new GraphProto { Name = "types" };
        foreach (var (name, type) in DataTypes)
        {
            graph.Input.Add(Value("in_" + name, type, 2, 3));
            graph.Output.Add(Value("out_" + name, type, 2, 3));
            graph.Node.Add(OnnxNodes.Node("Identity", "id_" + name, ["in_" + name], ["out_" + name]));
        }

        return Wrap(graph);
    }

    /// <summary>y = Shape(x), x FP32 [batch, any]: takes a tensor of any width and answers 16 bytes.</summary>
    public static ModelProto ShapeOf()
    {
        var graph = new GraphProto { Name = "shape_of" };
        graph.Input.Add(Value("x", OnnxTensors.Float, null, null));
        graph.Output.Add(Value("y", OnnxTensors.Int64, 2));
        graph.Node.Add(OnnxNodes.Node("Shape", "shape", ["x"], ["y"]));
        return Wrap(graph);
    }

    /// <summary>t = s, s BYTES (ONNX string) [any].</summary>
    public static ModelProto Strings()
    {
        var graph = new GraphProto { Name = "strings" };
        graph.Input.Add(Value("s", (int)TensorProto.Types.DataType.String, [null]));
        graph.Output.Add(Value("t", (int)TensorProto.Types.DataType.String, [null]));
        graph.Node.Add(OnnxNodes.Node("Identity", "id", ["s"], ["t"]));
        return Wrap(graph);
    }

    /// <summary>y = x through a chain of 2048×2048 identity MatMuls: slow enough to fill a queue of one.</summary>
    public static ModelProto Slow()
    {
        const int n = 2048;
        var graph = new GraphProto { Name = "slow" };
        graph.Input.Add(Value("x", OnnxTensors.Float, 1, n));
        graph.Output.Add(Value("y", OnnxTensors.Float, 1, n));
        var identity = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            identity[(i * n) + i] = 1;
        }

        graph.Initializer.Add(OnnxTensors.Create<float>("w", [n, n], OnnxTensors.Float, identity));
        var previous = "x";
        for (var k = 0; k < 24; k++)
        {
            var next = k == 23 ? "y" : $"h{k}";
            graph.Node.Add(OnnxNodes.Node("MatMul", $"mm{k}", [previous, "w"], [next]));
            previous = next;
        }

        return Wrap(graph);
    }

    public static readonly (string Name, int Type)[] DataTypes =
    [
        ("fp32", OnnxTensors.Float), ("fp16", OnnxTensors.Float16), ("int64", OnnxTensors.Int64),
        ("int32", OnnxTensors.Int32), ("uint8", OnnxTensors.UInt8), ("bool", (int)TensorProto.Types.DataType.Bool),
    ];

    public static void Write(ModelProto model, string repository, string name, string? config)
    {
        var dir = Path.Combine(repository, name, "1");
        Directory.CreateDirectory(dir);
        OnnxModelFile.Save(model, Path.Combine(dir, "model.onnx"));
        if (config is not null)
        {
            File.WriteAllText(Path.Combine(repository, name, "config.json"), config);
        }
    }

    private static ValueInfoProto Value(string name, int type, params int?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is null ? new TensorShapeProto.Types.Dimension { DimParam = "d" + shape.Dim.Count } : new TensorShapeProto.Types.Dimension { DimValue = d.Value });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }

    private static ModelProto Wrap(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 7, ProducerName = "wpai-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model;
    }
}
