namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// Kueue's <c>PreemptionPolicy</c> values for <c>withinClusterQueue</c> and <c>reclaimWithinCohort</c>: which admitted
/// workloads an incoming workload may preempt.
/// </summary>
public enum CohortPolicy
{
    /// <summary>Preempts nothing.</summary>
    Never = 0,

    /// <summary>Only workloads of lower priority.</summary>
    LowerPriority = 1,

    /// <summary>Workloads of lower priority, or of equal priority created after the incoming one.</summary>
    LowerOrNewerEqualPriority = 2,

    /// <summary>Any workload, whatever its priority (only offered for <c>reclaimWithinCohort</c> in Kueue).</summary>
    Any = 3,
}
