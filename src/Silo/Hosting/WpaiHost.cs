using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;
using WPAI.Kubernetes;

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
        ["--probe-timeout"] = "Wpai:Membership:ProbeTimeout",
        ["--missed-probes"] = "Wpai:Membership:NumMissedProbesLimit",
        ["--driver"] = "Wpai:Driver:Kind",
        ["--kubeconfig"] = "Wpai:Kubernetes:KubeConfig",
        ["--kube-context"] = "Wpai:Kubernetes:Context",
        ["--kube-namespace"] = "Wpai:Kubernetes:Namespace",
    };

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddEnvironmentVariables("WPAI_");
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        var options = builder.Configuration.GetSection(WpaiSiloOptions.SectionName).Get<WpaiSiloOptions>() ?? new WpaiSiloOptions();
        options.Validate();
        var storage = StorageSelection.FromConfiguration(builder.Configuration);

        AddClusterDriver(builder);
        builder.WebHost.UseUrls($"http://{FormatHost(options.Dashboard.Host)}:{options.Dashboard.Port}");
        builder.UseOrleans(silo => silo.AddWpai(options, storage.Configure, storage.UsesLocalhostClustering));
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

    /// <summary>The driver named by <c>--driver</c>: simulated (the default, registered by AddWpaiGrains) or kubernetes.</summary>
    private static void AddClusterDriver(WebApplicationBuilder builder)
    {
        var driver = builder.Configuration["Wpai:Driver:Kind"] ?? "simulated";
        switch (driver.ToLowerInvariant())
        {
            case "simulated":
                break;
            case "kubernetes":
                builder.Services.AddWpaiKubernetes();
                break;
            default:
                throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:Driver:Kind", $"unknown driver '{driver}'", "Use --driver simulated (the default) or --driver kubernetes.");
        }
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
