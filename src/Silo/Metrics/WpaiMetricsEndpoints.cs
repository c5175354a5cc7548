using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Prometheus;
using WPAI.Client;
using WPAI.Grains.Telemetry;

namespace WPAI.Silo.Metrics;

/// <summary>Serves WPAI's Prometheus metrics (<see cref="WpaiMetrics"/>, <see cref="ClusterMetrics"/>, Orleans' meters) on the silo's HTTP port.</summary>
public static class WpaiMetricsEndpoints
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    public static IServiceCollection AddWpaiMetrics(this IServiceCollection services)
    {
        services.AddWpaiClientSdk();
        services.AddSingleton<ClusterMetrics>();
        return services;
    }

    public static IEndpointConventionBuilder MapWpaiMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.ServiceProvider.GetRequiredService<ClusterMetrics>(); // registers the state collection on the registry
        return endpoints.MapMetrics(Path, endpoints.ServiceProvider.GetRequiredService<WpaiMetrics>().Registry);
    }
}
