using WPAI.Abstractions.Contracts.Inference;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace WPAI.Silo.Gateway;

/// <summary>
/// The gateway's YARP configuration from the services: one cluster per service whose destinations are its ready,
/// non-draining replicas (least requests, active health checks on <c>/v2/health/ready</c>, passive ones on transport failures), reached by
/// <c>/v2/models/{model}/…</c> (the service serving that model; the first by name when several do) and by
/// <c>/services/{service}/…</c> (that service, the prefix removed).
/// </summary>
public static class ServiceRoutes
{
    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(IEnumerable<InferenceServiceView> services, TimeSpan healthInterval)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services.OrderBy(s => s.Spec.Name, StringComparer.Ordinal))
        {
            var name = service.Spec.Name;
            var cluster = "service-" + name;
            clusters.Add(new ClusterConfig
            {
                ClusterId = cluster,
                LoadBalancingPolicy = "LeastRequests",
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig { Enabled = true, Interval = healthInterval, Timeout = TimeSpan.FromSeconds(2), Policy = "ConsecutiveFailures", Path = "/v2/health/ready" },
                    // A replica that refuses connections (its process died) leaves the rotation after a few failed requests.
                    Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = "TransportFailureRate", ReactivationPeriod = TimeSpan.FromSeconds(10) },
                },
                Destinations = service.Replicas.Where(r => r.Routable)
                    .ToDictionary(r => r.Id, r => new DestinationConfig { Address = r.Url!, Health = r.Url }, StringComparer.Ordinal),
            });
            routes.Add(new RouteConfig
            {
                RouteId = cluster + "-prefix",
                ClusterId = cluster,
                Match = new RouteMatch { Path = $"/services/{name}/{{**rest}}" },
            }.WithTransformPathRemovePrefix($"/services/{name}"));
            if (models.Add(service.Spec.Model))
            {
                routes.Add(new RouteConfig
                {
                    RouteId = cluster + "-model",
                    ClusterId = cluster,
                    Match = new RouteMatch { Path = $"/v2/models/{service.Spec.Model}/{{**rest}}" },
                });
            }
        }

        return (routes, clusters);
    }

    /// <summary>A text that changes exactly when the routes would (the proxy is updated only then).</summary>
    public static string Signature(IEnumerable<InferenceServiceView> services) =>
        string.Join('|', services.OrderBy(s => s.Spec.Name, StringComparer.Ordinal).Select(s =>
            $"{s.Spec.Name}:{s.Spec.Model}:{string.Join(',', s.Replicas.Where(r => r.Routable).Select(r => r.Id + "=" + r.Url).Order(StringComparer.Ordinal))}"));
}
