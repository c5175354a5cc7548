using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>Builds ONNX nodes and attributes.</summary>
public static class OnnxNodes
{
    public static NodeProto Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static float GetFloat(NodeProto node, string name, float fallback) => Find(node, name) is { } a ? a.F : fallback;

    public static long GetInt(NodeProto node, string name, long fallback) => Find(node, name) is { } a ? a.I : fallback;

    /// <summary>Number of nodes reading each tensor name (graph outputs count as one reader).</summary>
    public static Dictionary<string, int> ConsumerCounts(GraphProto graph)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)))
        {
            counts[input] = counts.GetValueOrDefault(input) + 1;
        }

        return counts;
    }
}
