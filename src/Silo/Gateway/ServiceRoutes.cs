using System.Net;
using System.Net.Http;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace WPAI.Silo.Gateway;

/// <summary>
/// The gateway's YARP configuration from the services: one cluster per service whose destinations are its ready,
/// non-draining replicas (least requests, active health checks on <c>/v2/health/ready</c>, a replica that refuses a
/// connection out of rotation at once: <see cref="ReplicaFailurePolicy"/>), reached by <c>/v2/models/{model}/…</c> (the
/// service serving that model; when several do, the first by name with a ready replica) and by <c>/services/{service}/…</c> (that service,
/// the prefix removed). gRPC (<c>/inference.GRPCInferenceService/…</c>, HTTP/2 to the replicas' gRPC addresses) goes to
/// the service named by the <c>wpai-service</c> metadata, else to the one serving the request's model
/// (<see cref="GrpcModelHeader"/>), else (calls about the server, not a model) to the first service by name with a ready
/// replica.
/// </summary>
public static class ServiceRoutes
{
    /// <summary>gRPC metadata naming the service a call is for.</summary>
    public const string ServiceHeader = "wpai-service";

    private const string GrpcPath = "/inference.GRPCInferenceService/{method}";

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(IEnumerable<InferenceServiceView> services, ServiceGatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        var ordered = services.OrderBy(s => s.Spec.Name, StringComparer.Ordinal).ToList();

        // A model's routes go to the first service by name serving it with a ready replica (else the first by name).
        var modelOwners = ordered.GroupBy(s => s.Spec.Model, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (g.FirstOrDefault(s => s.Replicas.Any(r => r.Routable)) ?? g.First()).Spec.Name, StringComparer.Ordinal);
        var serverOwner = (ordered.FirstOrDefault(s => s.Replicas.Any(r => r.Routable)) ?? ordered.FirstOrDefault())?.Spec.Name;
        foreach (var service in ordered)
        {
            var name = service.Spec.Name;
            var cluster = "service-" + name;
            var ownModel = string.Equals(modelOwners[service.Spec.Model], name, StringComparison.Ordinal);
            clusters.Add(new ClusterConfig
            {
                ClusterId = cluster,
                LoadBalancingPolicy = "LeastRequests",
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig { Enabled = true, Interval = options.HealthCheckInterval, Timeout = TimeSpan.FromSeconds(2), Policy = "ConsecutiveFailures", Path = "/v2/health/ready" },
                    Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = ReplicaFailurePolicy.PolicyName, ReactivationPeriod = options.FailedReplicaQuarantine },
                },
                Destinations = service.Replicas.Where(r => r.Routable)
                    .ToDictionary(r => r.Id, r => new DestinationConfig { Address = r.Url!, Health = r.Url }, StringComparer.Ordinal),
            });
            routes.Add(Authorized(new RouteConfig
            {
                RouteId = cluster + "-prefix",
                ClusterId = cluster,
                Match = new RouteMatch { Path = $"/services/{name}/{{**rest}}" },
            }.WithTransformPathRemovePrefix($"/services/{name}"), options));
            if (ownModel)
            {
                routes.Add(Authorized(new RouteConfig
                {
                    RouteId = cluster + "-model",
                    ClusterId = cluster,
                    Match = new RouteMatch { Path = $"/v2/models/{service.Spec.Model}/{{**rest}}" },
                }, options));
            }

            if (options.GrpcPort == 0)
            {
                continue;
            }

            // gRPC: HTTP/2 to each replica's gRPC address. No active probe here (it would speak HTTP/2 to the REST
            // port); the REST cluster's probe and the pushed routes decide which replicas are ready.
            var grpc = cluster + "-grpc";
            clusters.Add(new ClusterConfig
            {
                ClusterId = grpc,
                LoadBalancingPolicy = "LeastRequests",
                HttpRequest = new ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact },
                HealthCheck = new HealthCheckConfig
                {
                    Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = ReplicaFailurePolicy.PolicyName, ReactivationPeriod = options.FailedReplicaQuarantine },
                },
                Destinations = service.Replicas.Where(r => r.Routable && r.GrpcUrl is not null)
                    .ToDictionary(r => r.Id, r => new DestinationConfig { Address = r.GrpcUrl! }, StringComparer.Ordinal),
            });
            routes.Add(Authorized(GrpcRoute(grpc + "-service", grpc, ServiceHeader, name, order: 0), options));
            if (ownModel)
            {
                routes.Add(Authorized(GrpcRoute(grpc + "-model", grpc, GrpcModelHeader.Header, service.Spec.Model, order: 1), options));
            }

            if (string.Equals(name, serverOwner, StringComparison.Ordinal))
            {
                routes.Add(Authorized(GrpcRoute(grpc + "-server", grpc, null, null, order: 2), options));
            }
        }

        return (routes, clusters);
    }

    /// <summary>A text that changes exactly when the routes would (the proxy is updated only then).</summary>
    public static string Signature(IEnumerable<InferenceServiceView> services) =>
        string.Join('|', services.OrderBy(s => s.Spec.Name, StringComparer.Ordinal).Select(s =>
            $"{s.Spec.Name}:{s.Spec.Model}:{new ReplicaSet([.. s.Replicas]).Routes}"));

    private static RouteConfig GrpcRoute(string id, string cluster, string? header, string? value, int order) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Order = order,
        Match = new RouteMatch
        {
            Path = GrpcPath,
            Headers = header is null
                ? [new RouteHeader { Name = ServiceHeader, Mode = HeaderMatchMode.NotExists }] // a named service that does not exist gets no answer from another
                : [new RouteHeader { Name = header, Values = [value!], Mode = HeaderMatchMode.ExactHeader }],
        },
    };

    /// <summary>With a replica API key configured, every forwarded request carries it (replacing any the client sent).</summary>
    private static RouteConfig Authorized(RouteConfig route, ServiceGatewayOptions options) =>
        options.ReplicaApiKey is { Length: > 0 } key ? route.WithTransformRequestHeader("Authorization", "Bearer " + key, append: false) : route;
}
