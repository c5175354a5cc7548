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
        var node = await client.AddNodeAsync(spec, settings.ToMode(), cancellationToken);
        if (settings.ModeGiven && node.Mode != settings.ToMode())
        {
            // Registering an existing node changes nothing: its mode stays, so a different --mode is refused.
            throw new WpaiValidationException(
                "--mode",
                $"node {spec.Name} is already registered (mode {Quantities.Kebab(node.Mode.ToString())}); node add does not change the mode of an existing node",
                $"Use: wpai node set-mode {spec.Name} {Quantities.Kebab(settings.ToMode().ToString())}");
        }

        return Print(settings, node, NodeRendering.Added);
    }
}
