namespace WPAI.Simulation.Policies;

/// <summary>How a preempting job chooses its victims: the fewest jobs (lowest score first), Kueue's reclaim within the cohort, or the least lost work.</summary>
public enum VictimKind
{
    LowestScore,
    ReclaimWithinCohort,
    LeastLostWork,
}
