using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Client;

namespace WPAI.Cli.Commands.Node;

/// <summary><c>wpai node remove NAME [--drain [--timeout 10m]]</c>.</summary>
public sealed class NodeRemoveCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<NodeRemoveSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, NodeRemoveSettings settings, CancellationToken cancellationToken)
    {
        var removal = await client.RemoveNodeAsync(settings.Name.Trim(), settings.Drain, settings.ToTimeout(), cancellationToken);
        return Print(settings, removal, (console, r) => console.WriteLine(
            r.Preempted.IsDefaultOrEmpty
                ? $"Node {r.Node} removed{(r.Drained ? " (drained)" : string.Empty)}."
                : $"Node {r.Node} removed after the drain timed out; preempted and re-queued: {string.Join(", ", r.Preempted)}."));
    }
}
