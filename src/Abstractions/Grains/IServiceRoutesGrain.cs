using Orleans.Concurrency;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// Where inference gateways hear about route changes (key: <c>default</c>): a gateway subscribes (and subscribes again
/// before its subscription expires); a service grain whose ready, non-draining replicas changed says so, and every
/// subscribed gateway is told. Holds only the subscriptions, in memory.
/// </summary>
[Alias("wpai.IServiceRoutesGrain")]
public interface IServiceRoutesGrain : IGrainWithStringKey
{
    [Alias("Subscribe")]
    Task SubscribeAsync(IServiceRoutesObserver gateway);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IServiceRoutesObserver gateway);

    [Alias("Changed"), OneWay]
    Task ChangedAsync(string service);
}
