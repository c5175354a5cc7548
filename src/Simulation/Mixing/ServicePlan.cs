using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// One inference service of the combined simulation: its spec (deployed to its pool), the load that drives it (in QPS), the online
/// GPUs of its pool, which the pool's services share, and its median and highest daily peak QPS after scaling.
/// </summary>
public sealed record ServicePlan(InferenceServiceSpec Spec, ReplayedLoad Load, int PoolOnlineGpus, double MedianDailyPeakQps, double MaxDailyPeakQps)
{
    public string Name => Spec.Name;

    public string Pool => Spec.Pool;
}
