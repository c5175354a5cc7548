namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>Kueue's <c>FlavorFungibilityPolicy</c>: whether a flavor that needs borrowing or preemption ends the search.</summary>
public enum FungibilityPolicy
{
    /// <summary>Take this flavor (formerly <c>Borrow</c> / <c>Preempt</c>).</summary>
    MayStopSearch = 0,

    /// <summary>Try the next flavors first; the best one found is taken.</summary>
    TryNextFlavor = 1,
}
