using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// One inference service of the combined simulation: its spec (deployed to its pool), the load that drives it (in QPS), the online
/// GPUs of its pool, which the pool's services share, and its median and highest daily peak QPS after scaling.
/// </summary>
public sealed record ServicePlan(InferenceServiceSpec Spec, ReplayedLoad Load, int PoolOnlineGpus, double MedianDailyPeakQps, double MaxDailyPeakQps)
{
    /// <summary>The online cores of its pool when it serves on CPU machines (the <c>cpu</c> pool), else 0.</summary>
    public int PoolOnlineCores { get; init; }

    /// <summary>A service of the <c>cpu</c> pool: its replicas hold CPU cores, no GPU.</summary>
    public bool IsCpu => Spec.ReplicaResources.Gpus == 0;

    public string Name => Spec.Name;

    public string Pool => Spec.Pool;
}
