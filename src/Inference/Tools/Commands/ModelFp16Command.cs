using Spectre.Console;
using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

/// <summary><c>model fp16 FILE</c>: folds BatchNorm and converts weights and graph to FP16 (inputs and outputs stay FP32).</summary>
public sealed class ModelFp16Command(IAnsiConsole console) : Command<ModelWriteSettings>
{
    public override int Execute(CommandContext context, ModelWriteSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = OnnxModelFile.Load(settings.File);
        var report = Fp16Converter.Convert(model);
        var target = settings.Target("fp16");
        OnnxModelFile.Save(model, target);
        console.Profile.Out.Writer.WriteLine($"fp16: folded {report.BatchNormsFolded} BatchNorm, clamped {report.ValuesClamped} values beyond FP16 range -> {target}");
        return 0;
    }
}
