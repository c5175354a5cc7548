using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Node;

/// <summary><c>wpai node cordon NAME</c>: nothing new is placed on the node; what runs there goes on.</summary>
public sealed class NodeCordonCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<NodeReasonSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, NodeReasonSettings settings, CancellationToken cancellationToken)
    {
        var node = await client.CordonNodeAsync(settings.Name.Trim(), true, settings.ReasonText, cancellationToken);
        return Print(settings, node, NodeRendering.Changed);
    }
}
