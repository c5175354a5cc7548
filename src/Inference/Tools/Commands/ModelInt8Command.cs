using Spectre.Console;
using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

/// <summary><c>model int8 FILE --calibration DIR</c>: static QDQ INT8 with per-channel weights and calibrated activations.</summary>
public sealed class ModelInt8Command(IAnsiConsole console) : Command<ModelInt8Settings>
{
    public override int Execute(CommandContext context, ModelInt8Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = OnnxModelFile.Load(settings.File);
        var samples = CalibrationSet.Load(settings.CalibrationFolder, model, settings.MaxSampleCount);
        var unsigned = settings.UnsignedActivations;
        var report = Int8Quantizer.Quantize(model, samples, settings.CalibrationMethod, unsigned);
        var target = settings.Target("int8");
        OnnxModelFile.Save(model, target);
        console.Profile.Out.Writer.WriteLine($"int8: folded {report.BatchNormsFolded} BatchNorm, quantized {report.WeightsQuantized} weight ops (per-channel INT8, INT32 bias) and {report.AddsQuantized} Add, fused {report.RelusFused} Relu, {report.ActivationTensors} 8-bit activation tensors ({(unsigned ? "uint8" : "int8")}, asymmetric) calibrated on {report.CalibrationSamples} samples -> {target}");
        return 0;
    }
}
