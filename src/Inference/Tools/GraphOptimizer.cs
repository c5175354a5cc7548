using Microsoft.ML.OnnxRuntime;

namespace WPAI.Inference.Tools;

/// <summary>ONNX Runtime's offline graph optimization: the optimized graph is written to a file.</summary>
public static class GraphOptimizer
{
    public static void Optimize(string input, string output, GraphOptimizationLevel level)
    {
        OnnxModelFile.Load(input);
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = Path.GetFullPath(output) };
        var folder = Path.GetDirectoryName(Path.GetFullPath(output));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        try
        {
            using var session = new InferenceSession(input, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelToolException($"ONNX Runtime could not optimize '{input}': {ex.Message}");
        }
    }
}
