using System.Collections.Immutable;

namespace WPAI.Simulation.Metrics;

/// <summary>
/// What one policy did to one workload, measured over the arrival window (first to last arrival).
/// Utilizations and allocations are fractions of the fleet's capacity; times are seconds.
/// </summary>
public sealed record RunMetrics(
    string Policy,
    double OfferedLoad,
    double GpuUtilization,
    double GpuAllocation,
    double CpuUtilization,
    double CpuAllocation,
    double WaitP50Seconds,
    double WaitP95Seconds,
    double WaitP99Seconds,
    double WaitMeanSeconds,
    double JctP50Seconds,
    int JobsSubmitted,
    int JobsCompleted,
    int JobsCompletedTotal,
    int JobsNeverStarted,
    int Preemptions,
    int FallbackPlacements,
    double MakespanSeconds,
    double BacklogGpuHours,
    double FragmentedGpus,
    double Fragmentation,
    int ExcludedJobs,
    double ExcludedGpuTimeShare,
    double WallSeconds,
    long Events,
    double EventsPerSecond,
    ImmutableArray<PoolMetrics> Pools,
    ImmutableArray<SeriesPoint> GpuAllocationSeries,
    ImmutableArray<double> WaitQuantilesSeconds)
{
    /// <summary>Per-department shares of GPU-time against ownership, with Jain's index (null when not computed).</summary>
    public FairnessMetrics? Fairness { get; init; }

    /// <summary>Starts given fewer GPUs than the job asked (right-sized from its template's earlier runs).</summary>
    public int RightSizedStarts { get; init; }

    /// <summary>Right-sized starts given fewer GPUs than the job uses: they run longer (<see cref="Workload.RunTimeModel"/>).</summary>
    public int StretchedStarts { get; init; }

    /// <summary>Starts given less CPU than the job asked (the CPU request right-sized to its template's mean use × 1.5).</summary>
    public int CpuRightSizedStarts { get; init; }

    /// <summary>Bytes the replay's process allocated per event (silo start-up included; 0 when not measured).</summary>
    public double AllocatedBytesPerEvent { get; init; }
}
