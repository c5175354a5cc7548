using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;
using WPAI.Silo.Security;
using WPAI.Kubernetes;
using WPAI.Silo.Gateway;
using WPAI.Silo.Metrics;
using WPAI.WebConsole;

namespace WPAI.Silo.Hosting;

/// <summary>
/// Builds the WPAI silo process: configuration (appsettings, <c>WPAI_</c> environment variables, command line with
/// short switches), the Orleans silo with storage, and the HTTP endpoints (dashboard, health) on loopback.
/// </summary>
public static partial class WpaiHost
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
        ["--kubeconfig"] = "Wpai:Kubernetes:KubeConfig",
        ["--kube-context"] = "Wpai:Kubernetes:Context",
        ["--kube-namespace"] = "Wpai:Kubernetes:Namespace",
        ["--serve-port"] = "Wpai:Gateway:Port",
        ["--serve-host"] = "Wpai:Gateway:Host",
        ["--serve-grpc-port"] = "Wpai:Gateway:GrpcPort",
    };

    /// <summary>The switch that accepts an unprotected non-loopback binding (a flag: it takes no value).</summary>
    public const string InsecureSwitch = "--insecure";

    /// <summary>The configuration key behind <see cref="InsecureSwitch"/>.</summary>
    public const string InsecureKey = "Wpai:Insecure";

    /// <summary>Which driver starts runs: <c>simulated</c> (default), <c>agent</c> (node agents run real processes) or <c>kubernetes</c>.</summary>
    public const string DriverKindKey = "Wpai:Driver:Kind";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddEnvironmentVariables("WPAI_");
        builder.Configuration.AddCommandLine([.. ExpandFlags(args)], new Dictionary<string, string>(Switches));
        var options = builder.Configuration.GetSection(WpaiSiloOptions.SectionName).Get<WpaiSiloOptions>() ?? new WpaiSiloOptions();
        options.Validate();
        var storage = StorageSelection.FromConfiguration(builder.Configuration);
        var tls = builder.Configuration.GetSection(WpaiSiloTlsOptions.SectionName).Get<WpaiSiloTlsOptions>() ?? new WpaiSiloTlsOptions();
        var auth = builder.Configuration.GetSection(WpaiAuthOptions.SectionName).Get<WpaiAuthOptions>() ?? new WpaiAuthOptions();
        tls.Validate();
        auth.Validate();
        var warnings = NetworkExposure.Check(options, storage.UsesLocalhostClustering, tls, auth, builder.Configuration.GetValue<bool>(InsecureKey));

        var useAgents = AddClusterDriver(builder);
        builder.Services.AddWpaiServiceGateway(builder.Configuration);
        builder.Services.AddWpaiMetrics();
        if (options.Dashboard.Console)
        {
            builder.Services.AddWpaiConsole();
        }
        builder.WebHost.UseUrls($"http://{FormatHost(options.Dashboard.Host)}:{options.Dashboard.Port}");
        builder.UseOrleans(silo =>
        {
            if (useAgents)
            {
                silo.AddWpaiAgentDriver();
            }

            silo.AddWpai(options, storage.Configure, storage.UsesLocalhostClustering);
            silo.UseWpaiTls(tls);
            silo.UseWpaiAuthorization(auth);
            if (builder.Configuration.GetValue<bool>(CallOrigins.ConfigurationKey))
            {
                CallOrigins.AddTo(silo);
            }
        });
        customize?.Invoke(builder);

        var app = builder.Build();
        WarnInsecure(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WpaiHost)), warnings);
        app.UseWpaiBasicAuthentication(options.Dashboard, auth);
        app.MapGet("/health", (RunRecovery recovery) =>
        {
            // 503 while runs could not be completed or re-attached, so that a load balancer or probe sees it.
            var health = recovery.Snapshot();
            return health.Healthy ? Results.Text("ok") : Results.Text("degraded: " + health.Describe(), statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapWpaiMetrics();
        if (options.Dashboard.Console)
        {
            app.MapWpaiConsole(); // beside the dashboard: /, /jobs, /departments, /pools, /nodes, /services
        }
        if (options.Dashboard.Enabled)
        {
            app.MapOrleansDashboard("/dashboard");
        }

        return app;
    }

    /// <summary>Turns the value-less <c>--insecure</c> into a configuration switch the command-line provider accepts.</summary>
    private static IEnumerable<string> ExpandFlags(string[] args)
    {
        foreach (var arg in args)
        {
            if (string.Equals(arg, InsecureSwitch, StringComparison.Ordinal))
            {
                yield return "--" + InsecureKey;
                yield return "true";
            }
            else
            {
                yield return arg;
            }
        }
    }

    private static void WarnInsecure(ILogger logger, IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings)
        {
            LogInsecure(logger, warning);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "INSECURE: {Warning}")]
    private static partial void LogInsecure(ILogger logger, string warning);

    /// <summary>
    /// The driver named by <c>--driver</c>: simulated (the default, registered by AddWpaiGrains), agent (node agents run
    /// real processes; true is returned so the silo adds the agent driver) or kubernetes; anything else is a clear error.
    /// </summary>
    private static bool AddClusterDriver(WebApplicationBuilder builder)
    {
        var driver = builder.Configuration[DriverKindKey]?.Trim();
        switch (driver?.ToLowerInvariant())
        {
            case null or "" or "simulated":
                return false;
            case "agent":
                return true;
            case "kubernetes":
                builder.Services.AddWpaiKubernetes();
                return false;
            default:
                throw new WPAI.Abstractions.Errors.WpaiValidationException(DriverKindKey, $"unknown driver '{driver}'", "Use --driver simulated (the default), --driver agent or --driver kubernetes.");
        }
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
