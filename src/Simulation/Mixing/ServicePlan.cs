using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// One inference service of the combined simulation: its spec (deployed to its pool), the load that drives it, the online GPUs it
/// is sized for (its share of the pool's online GPUs), and the median day's peak QPS after scaling.
/// </summary>
public sealed record ServicePlan(InferenceServiceSpec Spec, ReplayedLoad Load, double ShareGpus, double MedianDailyPeakQps, double MaxDailyPeakQps)
{
    public string Name => Spec.Name;

    public string Pool => Spec.Pool;
}
