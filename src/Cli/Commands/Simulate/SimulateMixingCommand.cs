using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Simulation.Mixing;

namespace WPAI.Cli.Commands.Simulate;

/// <summary>Runs <see cref="MixingSimulationCommand"/> in-process (no cluster needed); its plain-text progress and tables go to the output.</summary>
public sealed class SimulateMixingCommand(IAnsiConsole console) : AsyncCommand<SimulateMixingSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SimulateMixingSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await MixingSimulationCommand.RunAsync(settings.ToOptions(), console.Profile.Out.Writer, cancellationToken);
        return ExitCodes.Success;
    }
}
