using Microsoft.ML.OnnxRuntime;
using WPAI.Inference.Models;
using WPAI.Inference.Tools;

namespace WPAI.Inference.Tests;

/// <summary>
/// ResNet18 from the restored NuGet package, plus the variants the model tools make of it (built once per test run):
/// dynamic batch, FP16, INT8 calibrated on 16 synthetic pictures (seeds 1000..1015; evaluation uses other seeds).
/// </summary>
public sealed class ResNet18Fixture : IAsyncLifetime
{
    public static readonly int[] EvaluationSeeds = [5000, 5001, 5002, 5003];

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "wpai-resnet18-tests-" + Guid.NewGuid().ToString("N"));

    public string Original { get; } = ResNet18Model.Locate();

    public string Dynamic => Path.Combine(Folder, "resnet18.dynamic.onnx");

    public string Fp16 => Path.Combine(Folder, "resnet18.fp16.onnx");

    public string Int8 => Path.Combine(Folder, "resnet18.int8.onnx");

    public string ToolOutput { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        var calibration = Path.Combine(Folder, "calibration");
        SyntheticImages.WriteCalibrationFolder(calibration, 16, firstSeed: 1000);
        using var output = new StringWriter();
        Check(await ModelTool.RunAsync(["batch", Original, "--dynamic", "--output", Dynamic], output), output);
        Check(await ModelTool.RunAsync(["fp16", Dynamic, "--output", Fp16], output), output);
        Check(await ModelTool.RunAsync(["int8", Dynamic, "--calibration", calibration, "--output", Int8], output), output);
        ToolOutput = output.ToString();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    public static float[] Run(string model, float[] input, int batch = 1, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_DISABLE_ALL)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level };
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [batch, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [ResNet18Model.InputName], [value], [ResNet18Model.OutputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static double Cosine(float[] a, float[] b) => WPAI.Inference.Tools.Similarity.Cosine(a, b);

    private static void Check(int code, StringWriter output)
    {
        if (code != 0)
        {
            throw new InvalidOperationException("model tool failed: " + output);
        }
    }
}
