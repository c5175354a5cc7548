using System.Collections.Immutable;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// The online/offline handover controller of one pool (key: pool name; README, "Mixing"). It measures the pool's
/// online usage rate, lends the least-used online nodes to training when the rate is low
/// (OnlineNormal → Unnormal → OfflineNormal, replicas moved first) and reclaims lent nodes whose jobs lose the least
/// work when it is high or replicas are pending (OfflineNormal → Unnormal → OnlineNormal, jobs killed and re-queued).
/// Its state is persisted, so a handover interrupted by a silo restart completes on the next tick.
/// </summary>
[Alias("wpai.IMixingControllerGrain")]
public interface IMixingControllerGrain : IGrainWithStringKey
{
    /// <summary>Sets (or changes) the controller's settings; rejects bad settings with a validation error, changing nothing.</summary>
    [Alias("Configure")]
    Task<MixingView> ConfigureAsync(MixingSettings settings);

    /// <summary>Measures and decides now, advancing the handovers in progress; returns the decisions this tick took.</summary>
    [Alias("Tick")]
    Task<ImmutableArray<MixingDecision>> TickAsync();

    /// <summary>The controller's state, thresholds and newest decisions.</summary>
    [Alias("Get")]
    Task<MixingView> GetAsync();
}
