namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// A Kueue ClusterQueue as the flavor assigner sees it: one resource group whose flavors, in order, each cover GPUs, CPU
/// and memory (a GPU pool is a flavor); whether it belongs to the (single, flat) cohort; its flavor fungibility; and
/// whether it may preempt while borrowing (<c>borrowWithinCohort</c> other than <c>Never</c>).
/// </summary>
public sealed record FlavoredClusterQueue(
    string Name,
    ImmutableArray<FlavorQuota> Flavors,
    bool InCohort = true,
    FlavorFungibility? Fungibility = null,
    bool PreemptWhileBorrowing = false)
{
    public FlavorQuota? Quota(string flavor) => Flavors.FirstOrDefault(f => f.Flavor == flavor);
}
