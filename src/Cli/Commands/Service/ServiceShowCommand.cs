using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceShowCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<ServiceNameSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, ServiceNameSettings settings, CancellationToken cancellationToken) =>
        Print(settings, await client.GetServiceAsync(settings.Name.Trim(), cancellationToken), ServiceRendering.Show);
}
