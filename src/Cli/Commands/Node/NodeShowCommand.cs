using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeShowCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<NodeShowSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, NodeShowSettings settings, CancellationToken cancellationToken)
    {
        var node = await client.GetNodeAsync(settings.Name.Trim(), cancellationToken);
        return Print(settings, node, NodeRendering.Show);
    }
}
