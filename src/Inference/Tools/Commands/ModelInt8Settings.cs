using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

public sealed class ModelInt8Settings : ModelWriteSettings
{
    [CommandOption("--calibration <DIR>"), Description("Folder of calibration samples: .npy float32 arrays (single-input models) or KServe v2 JSON requests, one per file.")]
    public string? Calibration { get; init; }

    [CommandOption("--max-samples <N>"), Description("Use at most this many calibration samples (default 256).")]
    public string? MaxSamples { get; init; }

    [CommandOption("--method <METHOD>"), Description("Activation ranges: mse (default; the clipping range with least expected 8-bit error) or minmax.")]
    public string? Method { get; init; }

    [CommandOption("--activations <TYPE>"), Description("8-bit activations: uint8 (default, fastest on x86) or int8.")]
    public string? Activations { get; init; }

    public string CalibrationFolder => string.IsNullOrWhiteSpace(Calibration)
        ? throw new ModelToolException("--calibration is required: pass a folder of .npy or .json sample inputs")
        : Calibration;

    public int MaxSampleCount => MaxSamples is null ? 256
        : int.TryParse(MaxSamples, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new ModelToolException($"--max-samples must be a positive integer, got '{MaxSamples}'");

    public CalibrationMethod CalibrationMethod => (Method ?? "mse") switch
    {
        "mse" => CalibrationMethod.Mse,
        "minmax" => CalibrationMethod.MinMax,
        var other => throw new ModelToolException($"--method '{other}' is not known: use mse (default) or minmax"),
    };

    /// <summary>True for unsigned (uint8) activations.</summary>
    public bool UnsignedActivations => (Activations ?? "uint8") switch
    {
        "uint8" => true,
        "int8" => false,
        var other => throw new ModelToolException($"--activations '{other}' is not known: use uint8 (default, fastest on x86) or int8"),
    };

    protected override void Check()
    {
        _ = CalibrationFolder;
        _ = MaxSampleCount;
        _ = CalibrationMethod;
        _ = UnsignedActivations;
    }
}
