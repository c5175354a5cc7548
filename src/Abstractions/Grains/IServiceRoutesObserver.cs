using Orleans.Concurrency;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// Served by each silo's inference gateway (an Orleans observer): told when a service's routable replicas changed, so
/// it rebuilds its routes at once instead of polling.
/// </summary>
[Alias("wpai.IServiceRoutesObserver")]
public interface IServiceRoutesObserver : IGrainObserver
{
    [Alias("RoutesChanged"), OneWay]
    Task RoutesChangedAsync(string service);
}
