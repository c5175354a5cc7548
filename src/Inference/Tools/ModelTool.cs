using Microsoft.ML.OnnxRuntime;
using WPAI.Inference.Models;

namespace WPAI.Inference.Tools;

/// <summary>
/// Entry point of the model tools (<c>wpai model VERB ...</c>, or <c>WPAI.Inference model VERB ...</c>):
/// <c>inspect FILE</c>, <c>optimize FILE --level basic|extended|all</c>, <c>batch FILE --dynamic</c>, <c>fp16 FILE</c>,
/// <c>int8 FILE --calibration DIR [--max-samples N]</c>; each writing verb takes <c>--output FILE</c>.
/// </summary>
public static class ModelTool
{
    public const string Usage = """
        usage: model <verb> FILE [options]
          inspect FILE                                   inputs, outputs, opset, size, operators
          optimize FILE --level basic|extended|all       ONNX Runtime offline graph optimization
          batch FILE --dynamic                           make the batch dimension dynamic
          fp16 FILE                                      fold BatchNorm, convert to FP16 (inputs/outputs stay FP32)
          int8 FILE --calibration DIR [--max-samples N] [--method mse|minmax] [--activations uint8|int8]
                                                 static QDQ INT8 (per-channel weights, calibrated activations)
        writing verbs take --output FILE (default: FILE with .opt/.dynamic/.fp16/.int8 before .onnx)
        """;

    public static Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args.Length < 2 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return Task.FromResult(args.Length == 0 || args[0] is not ("-h" or "--help" or "help") ? 2 : 0);
        }

        var verb = args[0];
        var file = args[1];
        try
        {
            var options = ParseOptions(args.AsSpan(2));
            switch (verb)
            {
                case "inspect":
                    ModelInspector.Inspect(file, output);
                    break;
                case "optimize":
                {
                    var level = ModelConfigReader.ParseLevel("--level", Required(options, "level", "basic, extended or all"));
                    var target = options.GetValueOrDefault("output") ?? Suffix(file, "opt");
                    GraphOptimizer.Optimize(file, target, level);
                    output.WriteLine($"optimized ({level}) -> {target}");
                    if (level == GraphOptimizationLevel.ORT_ENABLE_ALL)
                    {
                        output.WriteLine("note: level 'all' writes CPU-specific layouts; serve the file with the CPU provider only");
                    }

                    break;
                }

                case "batch":
                {
                    if (!options.ContainsKey("dynamic"))
                    {
                        throw new ModelToolException("batch needs --dynamic (the only supported change: make the first dimension dynamic)");
                    }

                    var model = OnnxModelFile.Load(file);
                    var notes = BatchDimensionTool.MakeDynamic(model);
                    var target = options.GetValueOrDefault("output") ?? Suffix(file, "dynamic");
                    OnnxModelFile.Save(model, target);
                    foreach (var note in notes)
                    {
                        output.WriteLine(note);
                    }

                    output.WriteLine($"batch dimension is dynamic -> {target}");
                    break;
                }

                case "fp16":
                {
                    var model = OnnxModelFile.Load(file);
                    var report = Fp16Converter.Convert(model);
                    var target = options.GetValueOrDefault("output") ?? Suffix(file, "fp16");
                    OnnxModelFile.Save(model, target);
                    output.WriteLine($"fp16: folded {report.BatchNormsFolded} BatchNorm, clamped {report.ValuesClamped} values beyond FP16 range -> {target}");
                    break;
                }

                case "int8":
                {
                    var calibration = Required(options, "calibration", "a folder of .npy or .json sample inputs");
                    var maxSamples = options.TryGetValue("max-samples", out var m) ? ParsePositive(m, "--max-samples") : 256;
                    var model = OnnxModelFile.Load(file);
                    var samples = CalibrationSet.Load(calibration, model, maxSamples);
                    var method = options.GetValueOrDefault("method", "mse") switch
                    {
                        "mse" => CalibrationMethod.Mse,
                        "minmax" => CalibrationMethod.MinMax,
                        var other => throw new ModelToolException($"--method '{other}' is not known: use mse (default) or minmax"),
                    };
                    var unsigned = options.GetValueOrDefault("activations", "uint8") switch
                    {
                        "uint8" => true,
                        "int8" => false,
                        var other => throw new ModelToolException($"--activations '{other}' is not known: use uint8 (default, fastest on x86) or int8"),
                    };
                    var report = Int8Quantizer.Quantize(model, samples, method, unsigned);
                    var target = options.GetValueOrDefault("output") ?? Suffix(file, "int8");
                    OnnxModelFile.Save(model, target);
                    output.WriteLine($"int8: folded {report.BatchNormsFolded} BatchNorm, quantized {report.WeightsQuantized} weight ops (per-channel INT8, INT32 bias) and {report.AddsQuantized} Add, fused {report.RelusFused} Relu, {report.ActivationTensors} 8-bit activation tensors ({(unsigned ? "uint8" : "int8")}, asymmetric) calibrated on {report.CalibrationSamples} samples -> {target}");
                    break;
                }

                default:
                    output.WriteLine($"error: unknown verb '{verb}'");
                    output.WriteLine(Usage);
                    return Task.FromResult(2);
            }

            return Task.FromResult(0);
        }
        catch (Exception ex) when (ex is ModelToolException or ModelConfigException)
        {
            output.WriteLine($"error: {ex.Message}");
            return Task.FromResult(1);
        }
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ModelToolException($"unexpected argument '{args[i]}'; options start with --");
            }

            var key = args[i][2..];
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                options[key] = args[++i];
            }
            else
            {
                options[key] = "true";
            }
        }

        return options;
    }

    private static string Required(Dictionary<string, string> options, string key, string what) =>
        options.TryGetValue(key, out var value) && value != "true" ? value : throw new ModelToolException($"--{key} is required: pass {what}");

    private static int ParsePositive(string value, string name) =>
        int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ModelToolException($"{name} must be a positive integer, got '{value}'");

    private static string Suffix(string file, string suffix)
    {
        var dir = Path.GetDirectoryName(file) ?? string.Empty;
        return Path.Combine(dir, Path.GetFileNameWithoutExtension(file) + "." + suffix + ".onnx");
    }
}
