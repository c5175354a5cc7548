namespace WPAI.Domain.Scheduling;

/// <summary>Which borrowed-tier jobs an own-tier job may preempt (<see cref="SchedulingOptions.ReclaimFrom"/>).</summary>
public enum ReclaimScope
{
    /// <summary>Any borrowed-tier job in the pool, the preempting job's own department's included (the earlier rule).</summary>
    AnyBorrowed = 0,

    /// <summary>Borrowed-tier jobs of other departments only: a department never evicts its own work (Kueue's <c>withinClusterQueue: Never</c>).</summary>
    OtherDepartments = 1,

    /// <summary>
    /// Borrowed-tier jobs of other departments that use more GPUs in the pool than their quota there (Kueue's
    /// <c>reclaimWithinCohort</c> takes from ClusterQueues that borrow): preemption takes back lent quota and never breaks
    /// another department's guarantee nor evicts the preempting department's own work.
    /// </summary>
    OverQuotaDepartments = 2,
}
