using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceListCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<WpaiSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, WpaiSettings settings, CancellationToken cancellationToken) =>
        Print(settings, await client.ListServicesAsync(cancellationToken), ServiceRendering.List);
}
