using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Pool;

public sealed class PoolShowCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<PoolShowSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, PoolShowSettings settings, CancellationToken cancellationToken)
    {
        var pool = await client.GetPoolAsync(settings.Pool.Trim(), cancellationToken);
        if (settings.Format == OutputFormat.Json)
        {
            return Print(settings, pool, PoolRendering.Show); // the pool view as before; wpai pool mixing POOL -o json has the controller
        }

        var mixing = await client.GetMixingAsync(pool.Pool, cancellationToken);
        PoolRendering.Show(Console, pool);
        MixingRendering.Section(Console, pool.Pool, mixing);
        return ExitCodes.Success;
    }
}
