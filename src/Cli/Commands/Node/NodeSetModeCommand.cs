using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeSetModeCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<NodeSetModeSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, NodeSetModeSettings settings, CancellationToken cancellationToken)
    {
        var node = await client.SetNodeModeAsync(settings.Name.Trim(), settings.ToMode(), settings.ReasonText, cancellationToken);
        return Print(settings, node, NodeRendering.Changed);
    }
}
