namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>What a preemption simulation found for a flavor: no candidates, priority-based preemption, or reclaiming quota lent to the cohort.</summary>
public enum PreemptionPossibility
{
    NoCandidates = 0,
    Preempt = 1,
    Reclaim = 2,
}
