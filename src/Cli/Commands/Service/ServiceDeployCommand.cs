using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceDeployCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<ServiceDeploySettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, ServiceDeploySettings settings, CancellationToken cancellationToken) =>
        Print(settings, await client.DeployServiceAsync(settings.ToSpec(), cancellationToken), ServiceRendering.Show);
}
