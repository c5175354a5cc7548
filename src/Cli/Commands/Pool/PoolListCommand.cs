using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Pool;

public sealed class PoolListCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<WpaiSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, WpaiSettings settings, CancellationToken cancellationToken)
    {
        var pools = await client.ListPoolsAsync(cancellationToken);
        return Print(settings, pools, PoolRendering.List);
    }
}
