using System.Collections.Immutable;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// What one mixing policy achieved (definitions in <see cref="MixingMetricsCalculator"/>): GPU training jobs and GPU pools;
/// the CPU pools' counterparts are in <see cref="Cpu"/>. <see cref="Unavailable"/> says why a
/// policy could not run; its numbers are then zero and must not be read.
/// </summary>
public sealed record MixingRunMetrics(
    string Policy,
    string Description,
    string? Unavailable,
    double LentShare,
    int CompletedJobs,
    int CompletedOnLent,
    double KillRate,
    int Kills,
    int KillStopsObserved,
    int StartsOnLent,
    int Starts,
    int JobsKilledAtLeastOnce,
    double SloViolationMinutes,
    ImmutableDictionary<string, double> SloViolationMinutesByService,
    double OfflineGpuUtilization,
    double OfflineGpuAllocation,
    double WaitP50Seconds,
    double WaitP95Seconds,
    double JctP50Seconds,
    int JobsNeverStarted,
    int Lends,
    int Reclaims,
    int DecisionCount,
    double MeanLentNodes,
    int PeakLentNodes,
    double WallSeconds,
    long Events,
    long Ticks,
    string? Note = null)
{
    /// <summary>Training queueing delay (first start − submit; never started: end of replay − submit), mean and p95 over the arrival window's jobs.</summary>
    public double QueueDelayMeanSeconds { get; init; }

    public double QueueDelayP95Seconds { get; init; }

    /// <summary>Mean GPUs held by inference replicas and training runs together / all GPUs, over the training arrival window (sampled every tick).</summary>
    public double ClusterGpuUsage { get; init; }

    /// <summary>Mean GPUs held by inference replicas / all GPUs over the arrival window.</summary>
    public double InferenceGpuUsage { get; init; }

    /// <summary>GPU-hours of run time thrown away by reclaim kills (less what checkpoints kept).</summary>
    public double LostGpuHours { get; init; }

    /// <summary>Reclaim kills of jobs that declared themselves checkpointable.</summary>
    public int CheckpointableKills { get; init; }

    /// <summary>The CPU pools' metrics (CPU jobs on CPU-only nodes, in cores); null without CPU-only nodes in the fleet. The other members count the GPU jobs and GPU pools only.</summary>
    public MixingCpuMetrics? Cpu { get; init; }

    /// <summary>Where the completed jobs that did not complete on a lent machine ran (null for a policy that did not run).</summary>
    public LentShareBreakdown? Breakdown { get; init; }

    /// <summary>Where the GPUs went over the arrival window against the ceiling of any schedule (null for a policy that did not run).</summary>
    public GpuUsageGap? Gap { get; init; }
}
