using Orleans.Utilities;

namespace WPAI.Grains.Inference;

/// <summary>
/// Tells the subscribed inference gateways that a service's routes changed (<see cref="IServiceRoutesGrain"/>).
/// Subscriptions live in memory and expire after <see cref="SubscriptionLifetime"/>; gateways renew them more often
/// (<c>Wpai:Gateway:RefreshInterval</c>), so a reactivated grain is repopulated within one renewal.
/// </summary>
[GrainType("wpai-service-routes")]
public sealed class ServiceRoutesGrain(ILogger<ServiceRoutesGrain> logger) : Grain, IServiceRoutesGrain
{
    /// <summary>How long a subscription lasts without renewal.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(10);

    private readonly ObserverManager<IServiceRoutesObserver> _gateways = new(SubscriptionLifetime, logger);

    public Task SubscribeAsync(IServiceRoutesObserver gateway)
    {
        _gateways.Subscribe(gateway, gateway);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IServiceRoutesObserver gateway)
    {
        _gateways.Unsubscribe(gateway);
        return Task.CompletedTask;
    }

    public Task ChangedAsync(string service)
    {
        _gateways.Notify(g => g.RoutesChangedAsync(service));
        return Task.CompletedTask;
    }
}
