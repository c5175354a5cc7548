using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeListCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<NodeListSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, NodeListSettings settings, CancellationToken cancellationToken)
    {
        var nodes = await client.ListNodesAsync(string.IsNullOrWhiteSpace(settings.Pool) ? null : settings.Pool.Trim(), cancellationToken);
        return Print(settings, nodes, NodeRendering.List);
    }
}
