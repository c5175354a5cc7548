using System.Globalization;
using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Cluster;

public sealed class ClusterStatusCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<WpaiSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, WpaiSettings settings, CancellationToken cancellationToken) =>
        Print(settings, await client.GetClusterStatusAsync(cancellationToken), Render);

    private static void Render(IAnsiConsole console, ClusterStatus status)
    {
        var table = Tables.List("silo", "name", "status", "started", "last heartbeat", "activations");
        foreach (var silo in status.Silos)
        {
            Tables.AddRow(
                table,
                silo.Address,
                silo.Name,
                silo.Status,
                silo.StartTime.ToString("u", CultureInfo.InvariantCulture),
                silo.LastHeartbeat.ToString("u", CultureInfo.InvariantCulture),
                silo.Activations.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }
}
