namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// A Kueue ClusterQueue as the preemption model sees it: its nominal quota (one resource flavor: GPUs, CPU millicores,
/// memory MiB), an optional borrowing limit, whether it belongs to the (single, flat) cohort, and its preemption
/// policies. Lending limits, hierarchical cohorts, fair sharing and <c>borrowWithinCohort</c> are not modelled.
/// </summary>
public sealed record CohortQueue(
    string Name,
    Resources Nominal,
    bool InCohort = true,
    CohortPolicy WithinClusterQueue = CohortPolicy.Never,
    CohortPolicy ReclaimWithinCohort = CohortPolicy.Any,
    Resources? BorrowingLimit = null);
