using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>Prints a model's inputs, outputs, opsets, size and operator counts.</summary>
public static class ModelInspector
{
    public static void Inspect(string path, TextWriter output)
    {
        var model = OnnxModelFile.Load(path);
        var graph = model.Graph;
        var size = new FileInfo(path).Length;
        output.WriteLine($"model:      {Path.GetFullPath(path)}");
        output.WriteLine($"size:       {size:N0} bytes ({size / 1024.0 / 1024.0:F1} MiB)");
        output.WriteLine($"ir version: {model.IrVersion}");
        output.WriteLine($"producer:   {model.ProducerName} {model.ProducerVersion}".TrimEnd());
        output.WriteLine($"opsets:     {string.Join(", ", model.OpsetImport.Select(o => $"{(string.IsNullOrEmpty(o.Domain) ? "ai.onnx" : o.Domain)} {o.Version}"))}");
        var initializerNames = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        output.WriteLine("inputs:");
        foreach (var input in graph.Input.Where(i => !initializerNames.Contains(i.Name)))
        {
            output.WriteLine($"  {input.Name}: {DescribeType(input.Type)}");
        }

        output.WriteLine("outputs:");
        foreach (var o in graph.Output)
        {
            output.WriteLine($"  {o.Name}: {DescribeType(o.Type)}");
        }

        var parameters = graph.Initializer.Sum(i => i.Dims.Aggregate(1L, (a, d) => a * d));
        output.WriteLine($"initializers: {graph.Initializer.Count} ({parameters:N0} values; types {string.Join(", ", graph.Initializer.GroupBy(i => (TensorProto.Types.DataType)i.DataType).Select(g => $"{g.Key} x{g.Count()}"))})");
        output.WriteLine($"nodes: {graph.Node.Count}");
        foreach (var group in graph.Node.GroupBy(n => string.IsNullOrEmpty(n.Domain) ? n.OpType : $"{n.Domain}.{n.OpType}").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Key,-28} {group.Count()}");
        }
    }

    /// <summary>Describes a tensor type like <c>FLOAT[batch,3,224,224]</c>.</summary>
    public static string DescribeType(TypeProto type)
    {
        if (type.TensorType is null)
        {
            return type.ValueCase.ToString();
        }

        var elem = (TensorProto.Types.DataType)type.TensorType.ElemType;
        var dims = type.TensorType.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
            _ => "?",
        }) ?? ["?"];
        return $"{elem.ToString().ToUpperInvariant()}[{string.Join(",", dims)}]";
    }
}
