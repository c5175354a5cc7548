namespace WPAI.Simulation.Policies;

/// <summary>How a preempting job chooses its victims: WPAI's lowest score first, or Kueue's reclaim within the cohort.</summary>
public enum VictimKind
{
    LowestScore,
    ReclaimWithinCohort,
}
