using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>
/// Converts an FP32 model to FP16: folds BatchNorm into convolutions first, stores every float initializer as FP16,
/// runs the graph in FP16, and keeps the model's inputs and outputs FP32 through Cast nodes.
/// </summary>
public static class Fp16Converter
{
    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "Resize", "Upsample", "Range", "ConstantOfShape", "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "EyeLike", "Loop", "If", "Scan",
    };

    public static Fp16Report Convert(ModelProto model)
    {
        var graph = model.Graph;
        var blocking = graph.Node.Select(n => n.OpType).Where(Unsupported.Contains).Distinct().ToArray();
        if (blocking.Length > 0)
        {
            throw new ModelToolException($"fp16: op(s) {string.Join(", ", blocking)} take float parameters that must stay FP32, which this converter does not handle; keep this model in FP32");
        }

        var folded = GraphTransforms.FoldBatchNorm(model);
        var clamped = 0;
        foreach (var init in graph.Initializer.Where(i => i.DataType == OnnxTensors.Float).ToArray())
        {
            var converted = ToHalf(init, ref clamped);
            graph.Initializer[graph.Initializer.IndexOf(init)] = converted;
        }

        foreach (var node in graph.Node)
        {
            if (node.OpType == "Constant" && OnnxNodes.Find(node, "value") is { T.DataType: OnnxTensors.Float } value)
            {
                value.T = ToHalf(value.T, ref clamped);
            }

            if (node.OpType == "Cast" && OnnxNodes.Find(node, "to") is { I: OnnxTensors.Float } to)
            {
                to.I = OnnxTensors.Float16;
            }
        }

        var initializerNames = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var prologue = new List<NodeProto>();
        foreach (var input in graph.Input.Where(i => !initializerNames.Contains(i.Name) && i.Type.TensorType?.ElemType == OnnxTensors.Float))
        {
            var half = input.Name + "_fp16";
            foreach (var node in graph.Node)
            {
                for (var k = 0; k < node.Input.Count; k++)
                {
                    if (node.Input[k] == input.Name)
                    {
                        node.Input[k] = half;
                    }
                }
            }

            prologue.Add(OnnxNodes.Node("Cast", input.Name + "_to_fp16", [input.Name], [half], OnnxNodes.Int("to", OnnxTensors.Float16)));
        }

        var epilogue = new List<NodeProto>();
        foreach (var output in graph.Output.Where(o => o.Type.TensorType?.ElemType == OnnxTensors.Float))
        {
            var half = output.Name + "_fp16";
            foreach (var node in graph.Node)
            {
                for (var k = 0; k < node.Output.Count; k++)
                {
                    if (node.Output[k] == output.Name)
                    {
                        node.Output[k] = half;
                    }
                }

                for (var k = 0; k < node.Input.Count; k++)
                {
                    if (node.Input[k] == output.Name)
                    {
                        node.Input[k] = half;
                    }
                }
            }

            epilogue.Add(OnnxNodes.Node("Cast", output.Name + "_to_fp32", [half], [output.Name], OnnxNodes.Int("to", OnnxTensors.Float)));
        }

        var nodes = prologue.Concat(graph.Node).Concat(epilogue).ToArray();
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.ValueInfo.Clear();
        return new Fp16Report(folded, clamped);
    }

    private static TensorProto ToHalf(TensorProto tensor, ref int clamped)
    {
        var values = OnnxTensors.ReadFloats(tensor);
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (MathF.Abs(v) > 65504f)
            {
                v = MathF.CopySign(65504f, v);
                clamped++;
            }

            halves[i] = (Half)v;
        }

        return OnnxTensors.Create<Half>(tensor.Name, tensor.Dims, OnnxTensors.Float16, halves);
    }
}
