using Spectre.Console;
using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

/// <summary><c>model batch FILE --dynamic</c>: the first dimension becomes the dynamic dimension "batch".</summary>
public sealed class ModelBatchCommand(IAnsiConsole console) : Command<ModelBatchSettings>
{
    public override int Execute(CommandContext context, ModelBatchSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var output = console.Profile.Out.Writer;
        var model = OnnxModelFile.Load(settings.File);
        var notes = BatchDimensionTool.MakeDynamic(model);
        var target = settings.Target("dynamic");
        OnnxModelFile.Save(model, target);
        foreach (var note in notes)
        {
            output.WriteLine(note);
        }

        output.WriteLine($"batch dimension is dynamic -> {target}");
        return 0;
    }
}
