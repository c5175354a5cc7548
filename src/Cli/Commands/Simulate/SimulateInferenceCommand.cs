using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Simulation.Inference;

namespace WPAI.Cli.Commands.Simulate;

/// <summary>Runs <see cref="InferenceSimulationCommand"/> in-process (no cluster needed); its plain-text lines go to the output.</summary>
public sealed class SimulateInferenceCommand(IAnsiConsole console) : AsyncCommand<SimulateInferenceSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SimulateInferenceSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await InferenceSimulationCommand.RunAsync(settings.LoadFiles, settings.ToOptions(), console.Profile.Out.Writer, cancellationToken);
        return ExitCodes.Success;
    }
}
