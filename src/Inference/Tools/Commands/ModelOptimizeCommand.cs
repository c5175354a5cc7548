using Microsoft.ML.OnnxRuntime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

/// <summary><c>model optimize FILE --level basic|extended|all</c>: ONNX Runtime's offline graph optimization.</summary>
public sealed class ModelOptimizeCommand(IAnsiConsole console) : Command<ModelOptimizeSettings>
{
    public override int Execute(CommandContext context, ModelOptimizeSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var output = console.Profile.Out.Writer;
        var level = settings.OptimizationLevel;
        var target = settings.Target("opt");
        GraphOptimizer.Optimize(settings.File, target, level);
        output.WriteLine($"optimized ({level}) -> {target}");
        if (level == GraphOptimizationLevel.ORT_ENABLE_ALL)
        {
            output.WriteLine("note: level 'all' writes CPU-specific layouts; serve the file with the CPU provider only");
        }

        return 0;
    }
}
