using Spectre.Console;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Node;

public sealed class NodeAddCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<NodeAddSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, NodeAddSettings settings, CancellationToken cancellationToken)
    {
        var spec = settings.ToSpec();
        if (settings.ModeGiven && await ExistingAsync(client, spec.Name, cancellationToken) is { } existing && existing.Mode != settings.ToMode())
        {
            throw new WpaiValidationException(
                "--mode",
                $"node {spec.Name} is already registered (mode {Quantities.Kebab(existing.Mode.ToString())}); node add does not change the mode of an existing node",
                $"Use: wpai node set-mode {spec.Name} {Quantities.Kebab(settings.ToMode().ToString())}");
        }

        var node = await client.AddNodeAsync(spec, settings.ToMode(), cancellationToken);
        return Print(settings, node, NodeRendering.Added);
    }

    private static async Task<NodeView?> ExistingAsync(IWpaiClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetNodeAsync(name, cancellationToken);
        }
        catch (WpaiNotFoundException)
        {
            return null;
        }
    }
}
