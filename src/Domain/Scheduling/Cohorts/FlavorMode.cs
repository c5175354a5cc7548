namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// How a flavor can take a pod set, worst first (Kueue's internal preemption modes): it cannot (<c>NoFit</c>); only by
/// preemption, but the simulation found no candidates; by priority-based preemption; by reclaiming quota lent to the
/// cohort; or it fits now. Kueue reports the three middle ones as mode <c>Preempt</c>.
/// </summary>
public enum FlavorMode
{
    NoFit = 0,
    NoCandidates = 1,
    Preempt = 2,
    Reclaim = 3,
    Fit = 4,
}
