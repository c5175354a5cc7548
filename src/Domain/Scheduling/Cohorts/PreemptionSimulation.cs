namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>The answer of a preemption simulation for one flavor and resource: what preemption could do, and whether the workload would still borrow after it.</summary>
public sealed record PreemptionSimulation(PreemptionPossibility Possibility, bool BorrowsAfter = false)
{
    /// <summary>What Kueue's flavor-assigner tests assume when they give no simulation result: preemption possible, no borrowing.</summary>
    public static PreemptionSimulation Preempt { get; } = new(PreemptionPossibility.Preempt);
}
