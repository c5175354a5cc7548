namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// A ClusterQueue's <c>flavorFungibility</c>. Kueue's defaults: <c>whenCanBorrow: MayStopSearch</c> (borrow in the first
/// flavor where the workload fits with borrowing), <c>whenCanPreempt: TryNextFlavor</c> (look for a flavor that fits
/// without preemption before preempting).
/// </summary>
public sealed record FlavorFungibility(FungibilityPolicy WhenCanBorrow = FungibilityPolicy.MayStopSearch, FungibilityPolicy WhenCanPreempt = FungibilityPolicy.TryNextFlavor)
{
    public static FlavorFungibility Default { get; } = new();
}
