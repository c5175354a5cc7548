using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>Makes the first dimension of every input and output dynamic (named <c>batch</c>).</summary>
public static class BatchDimensionTool
{
    public static IReadOnlyList<string> MakeDynamic(ModelProto model)
    {
        var notes = new List<string>();
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var value in graph.Input.Where(i => !initializers.ContainsKey(i.Name)).Concat(graph.Output))
        {
            var dims = value.Type.TensorType?.Shape?.Dim;
            if (dims is null || dims.Count == 0)
            {
                throw new ModelToolException($"'{value.Name}' has no shape, so it has no batch dimension to make dynamic");
            }

            dims[0].DimParam = "batch";
        }

        foreach (var reshape in graph.Node.Where(n => n.OpType == "Reshape"))
        {
            if (reshape.Input.Count > 1 && initializers.TryGetValue(reshape.Input[1], out var shape) && shape.DataType == OnnxTensors.Int64)
            {
                var values = shape.RawData.Length > 0 ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(shape.RawData.Span).ToArray() : shape.Int64Data.ToArray();
                if (values.Length > 0 && values[0] == 1 && !values.Contains(-1))
                {
                    values[0] = -1;
                    graph.Initializer[graph.Initializer.IndexOf(shape)] = OnnxTensors.Create<long>(shape.Name, shape.Dims, OnnxTensors.Int64, values);
                    notes.Add($"Reshape '{reshape.Name}': fixed batch 1 in its target shape became -1");
                }
            }
        }

        graph.ValueInfo.Clear();
        return notes;
    }
}
