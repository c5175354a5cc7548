using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Node;

/// <summary><c>wpai node uncordon NAME</c>: the node admits new work again.</summary>
public sealed class NodeUncordonCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<NodeReasonSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, NodeReasonSettings settings, CancellationToken cancellationToken)
    {
        var node = await client.CordonNodeAsync(settings.Name.Trim(), false, settings.ReasonText, cancellationToken);
        return Print(settings, node, NodeRendering.Changed);
    }
}
