namespace WPAI.Simulation.Mixing;

/// <summary>
/// The fleet at one tick: lent nodes (OfflineNormal or draining toward it, as the controllers report), the services' demand in
/// GPUs (QPS / target QPS per replica), the GPUs of nodes serving inference, the QPS asked and the QPS the ready replicas serve,
/// the GPUs training jobs hold, and the GPUs inference replicas hold (placed, ready or not); the GPU pools' only, the CPU
/// pools' in cores beside them.
/// </summary>
public sealed record MixingSample(TimeSpan At, int LentNodes, double DemandGpus, int OnlineGpus, double Qps, double ServedQps, int TrainingGpus, int InferenceGpus = 0)
{
    /// <summary>Lent nodes of the CPU pools (kept out of <see cref="LentNodes"/>, which counts the GPU pools').</summary>
    public int LentCpuNodes { get; init; }

    /// <summary>Cores of the CPU pools' nodes serving inference (kept out of <see cref="OnlineGpus"/>).</summary>
    public int OnlineCores { get; init; }

    /// <summary>Cores held by the CPU pools' inference replicas (placed, ready or not).</summary>
    public int InferenceCores { get; init; }

    /// <summary>Cores held by CPU training jobs (the cpu pool's).</summary>
    public double TrainingCores { get; init; }
}
