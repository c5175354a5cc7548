using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceScaleCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<ServiceScaleSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, ServiceScaleSettings settings, CancellationToken cancellationToken) =>
        Print(settings, await client.ScaleServiceAsync(settings.Name.Trim(), settings.ReplicaCount, settings.Reason!.Trim(), cancellationToken), ServiceRendering.Decision);
}
