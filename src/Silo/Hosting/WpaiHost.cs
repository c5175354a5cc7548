using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace WPAI.Silo.Hosting;

/// <summary>
/// Builds the WPAI silo process: configuration (appsettings, <c>WPAI_</c> environment variables, command line with
/// short switches), the Orleans silo with storage, and the HTTP endpoints (dashboard, health) on loopback.
/// </summary>
public static class WpaiHost
{
    /// <summary>Short command-line switches → configuration keys.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--storage"] = "Wpai:Storage:Kind",
        ["--connection"] = "Wpai:Storage:PostgresConnection",
        ["--data"] = "Wpai:Storage:SqlitePath",
        ["--cluster-id"] = "Wpai:ClusterId",
        ["--address"] = "Wpai:AdvertisedAddress",
        ["--silo-port"] = "Wpai:SiloPort",
        ["--gateway-port"] = "Wpai:GatewayPort",
        ["--dashboard-port"] = "Wpai:Dashboard:Port",
        ["--dashboard-host"] = "Wpai:Dashboard:Host",
        ["--time-scale"] = "Wpai:Driver:TimeScale",
        ["--driver"] = DriverKindKey,
        ["--heartbeat-timeout"] = "Wpai:Agent:HeartbeatTimeout",
        ["--probe-timeout"] = "Wpai:Membership:ProbeTimeout",
        ["--missed-probes"] = "Wpai:Membership:NumMissedProbesLimit",
    };

    /// <summary>Which driver starts runs: <c>simulated</c> (default) or <c>agent</c> (node agents run real processes).</summary>
    public const string DriverKindKey = "Wpai:Driver:Kind";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddEnvironmentVariables("WPAI_");
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        var options = builder.Configuration.GetSection(WpaiSiloOptions.SectionName).Get<WpaiSiloOptions>() ?? new WpaiSiloOptions();
        options.Validate();
        var storage = StorageSelection.FromConfiguration(builder.Configuration);

        builder.WebHost.UseUrls($"http://{FormatHost(options.Dashboard.Host)}:{options.Dashboard.Port}");
        var useAgents = DriverKind(builder.Configuration[DriverKindKey]);
        builder.UseOrleans(silo =>
        {
            if (useAgents)
            {
                silo.AddWpaiAgentDriver();
            }

            silo.AddWpai(options, storage.Configure, storage.UsesLocalhostClustering);
        });
        customize?.Invoke(builder);

        var app = builder.Build();
        app.UseWpaiBasicAuthentication(options.Dashboard);
        app.MapGet("/health", () => Results.Text("ok"));
        if (options.Dashboard.Enabled)
        {
            app.MapOrleansDashboard("/dashboard");
        }

        return app;
    }

    /// <summary>True for <c>agent</c>, false for <c>simulated</c> (or nothing); anything else is a clear error.</summary>
    private static bool DriverKind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        null or "" or "simulated" => false,
        "agent" => true,
        _ => throw new WPAI.Abstractions.Errors.WpaiValidationException(DriverKindKey, $"'{kind}' is not a driver", "Use --driver simulated (the default) or --driver agent."),
    };

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
