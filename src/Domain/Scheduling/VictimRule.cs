namespace WPAI.Domain.Scheduling;

/// <summary>How an own-tier job that cannot be placed chooses the running jobs it evicts.</summary>
public enum VictimRule
{
    /// <summary>WPAI's rule (<see cref="PreemptionPolicy"/>): borrowed-tier jobs on one node, lowest score first, newest first.</summary>
    LowestScore = 0,

    /// <summary>Kueue's reclaim within the cohort (<see cref="CohortReclaim"/>): jobs of departments above their quota, newest first, minimal set.</summary>
    ReclaimWithinCohort = 1,

    /// <summary>
    /// Borrowed-tier jobs on one node, the set that loses the least work (<see cref="PreemptionPolicy.ChooseLeastLostWork"/>):
    /// GPUs × time since the run started, summed over the victims; then fewer jobs, fewer GPUs, the node's name.
    /// </summary>
    LeastLostWork = 2,
}
