using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;

namespace WPAI.Grains.Inference;

/// <summary>
/// Tells the inference gateways (through <see cref="IServiceRoutesGrain"/>) when the replicas a service's traffic may be
/// routed to changed, and only then: it remembers the routes it last announced. Used inside the service grain's turn only.
/// </summary>
internal sealed class ServiceRouteNotice(IGrainFactory grains, string service)
{
    private string _announced = string.Empty;

    /// <summary>Announces the service's routes when they differ from the last ones announced.</summary>
    public async Task ReplicasChangedAsync(List<ReplicaView> replicas)
    {
        var routes = new ReplicaSet(replicas).Routes;
        if (!string.Equals(routes, _announced, StringComparison.Ordinal))
        {
            _announced = routes;
            await ChangedAsync();
        }
    }

    /// <summary>The service is gone: the gateways drop its routes.</summary>
    public Task RemovedAsync()
    {
        _announced = string.Empty;
        return ChangedAsync();
    }

    private Task ChangedAsync() => grains.GetGrain<IServiceRoutesGrain>(WpaiCluster.FleetKey).ChangedAsync(service);
}
