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
        return Print(settings, pool, PoolRendering.Show);
    }
}
