using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceUpdateCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<ServiceUpdateSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, ServiceUpdateSettings settings, CancellationToken cancellationToken)
    {
        var name = settings.Name.Trim();
        var current = await client.GetServiceAsync(name, cancellationToken);
        var repository = settings.Repository(settings.Model?.Trim() ?? current.Spec.Model);
        return Print(settings, await client.UpdateServiceModelsAsync(name, repository, cancellationToken), ServiceRendering.Show);
    }
}
