namespace WPAI.Simulation.Mixing;

/// <summary>
/// The CPU pools' counterparts of the GPU metrics of one run (definitions in <see cref="MixingMetricsCalculator"/>): the CPU
/// training jobs (0 GPUs, the <c>cpu</c> pool's) and the CPU-only nodes, counted in cores.
/// </summary>
public sealed record MixingCpuMetrics(
    double LentShare,
    int CompletedJobs,
    int CompletedOnLent,
    double KillRate,
    int Kills,
    int StartsOnLent,
    int Starts,
    double LostCoreHours,
    double ClusterCpuUsage,
    double InferenceCpuUsage,
    double QueueDelayMeanSeconds,
    double MeanLentNodes,
    int Lends,
    int Reclaims)
{
    /// <summary>SLO-violation minutes of the CPU pools' services.</summary>
    public double SloViolationMinutes { get; init; }
}
