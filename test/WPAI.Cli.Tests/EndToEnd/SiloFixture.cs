using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using WPAI.Silo.Hosting;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary>
/// A real WPAI silo in this process, built exactly as <c>dotnet run --project src/Silo</c> builds it (in-memory storage,
/// simulated driver at real time so jobs keep running), on free loopback ports and a private cluster id.
/// </summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public int GatewayPort { get; private set; }

    public string ClusterId { get; } = "cli-e2e-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The loopback port of the silo's HTTP endpoints (dashboard, health).</summary>
    public int DashboardPort { get; private set; }

    /// <summary>The options that point the CLI at this silo.</summary>
    public string[] Target => ["--gateway", $"127.0.0.1:{GatewayPort}", "--cluster-id", ClusterId];

    public async Task InitializeAsync()
    {
        var ports = FreePorts(3);
        GatewayPort = ports[1];
        DashboardPort = ports[2];
        _app = WpaiHost.Build(
            [
                "--silo-port", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--gateway-port", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--dashboard-port", ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--cluster-id", ClusterId,
                "--storage", "memory",
            ],
            builder => builder.Logging.ClearProviders());
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    internal static int[] FreePorts(int count) => WPAI.Tests.Shared.FreePorts.Take(count);
}
