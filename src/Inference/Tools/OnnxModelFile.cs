using Google.Protobuf;
using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>Reads and writes ONNX model files with OnnxSharp, turning parse failures into clear errors.</summary>
public static class OnnxModelFile
{
    /// <summary>Loads an ONNX model; throws <see cref="ModelToolException"/> naming the file and why it could not be read.</summary>
    public static ModelProto Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelToolException($"model file '{path}' does not exist: pass the path of an .onnx file");
        }

        try
        {
            using var stream = File.OpenRead(path);
            var model = ModelProto.Parser.ParseFrom(stream);
            if (model.Graph is null || model.Graph.Node.Count == 0)
            {
                throw new ModelToolException($"'{path}' parsed but holds no graph nodes: it is not an ONNX model (export the model to ONNX first)");
            }

            return model;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelToolException($"'{path}' is not a valid ONNX model (protobuf error: {ex.Message}); re-export or re-download the file");
        }
    }

    /// <summary>Writes the model, creating the folder when needed.</summary>
    public static void Save(ModelProto model, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    /// <summary>The opset version of the default ONNX domain.</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
}
