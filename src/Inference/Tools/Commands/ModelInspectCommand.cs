using Spectre.Console;
using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

/// <summary><c>model inspect FILE</c>: inputs, outputs, opsets, size and operators.</summary>
public sealed class ModelInspectCommand(IAnsiConsole console) : Command<ModelFileSettings>
{
    public override int Execute(CommandContext context, ModelFileSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ModelInspector.Inspect(settings.File, console.Profile.Out.Writer);
        return 0;
    }
}
