using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeAddCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<NodeAddSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, NodeAddSettings settings, CancellationToken cancellationToken)
    {
        var node = await client.AddNodeAsync(settings.ToSpec(), settings.ToMode(), cancellationToken);
        return Print(settings, node, NodeRendering.Added);
    }
}
