using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace WPAI.Silo.Gateway;

/// <summary>
/// The gateway's passive health check: a replica that refused a connection (its process is gone) leaves the rotation
/// at once, for <see cref="ServiceGatewayOptions.FailedReplicaQuarantine"/>, instead of after a failure rate over a
/// window; by then the service grain has usually removed it from the routes. Broken connections and error statuses do
/// not count: a busy replica is not taken out of rotation.
/// </summary>
public sealed class ReplicaFailurePolicy(IDestinationHealthUpdater health, TimeSpan quarantine) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "ReplicaConnectFailure";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetForwarderErrorFeature() is { } error && ReplicaRetry.IsReplicaFailure(error.Error) && ReplicaRetry.IsConnectFailure(error.Exception))
        {
            health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, quarantine);
        }
    }
}
