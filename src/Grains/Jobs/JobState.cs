using WPAI.Domain.Jobs;

namespace WPAI.Grains.Jobs;

/// <summary>
/// Persisted state of a job grain. Copies itself for the in-memory storage (<see cref="Storage.IStateCopy{T}"/>): its
/// members are values and <c>[Immutable]</c> records or lists of them, so a copy needs new lists only (written three
/// times per job: submit, start, end).
/// </summary>
[GenerateSerializer, Alias("wpai.state.job")]
public sealed class JobState : IJobRecord, Storage.IStateCopy<JobState>
{
    [Id(0)]
    public JobSpec? Spec { get; set; }

    [Id(1)]
    public JobStatus Status { get; set; } = JobStatus.Pending;

    [Id(2)]
    public Resources Requested { get; set; } = Resources.None;

    [Id(3)]
    public Placement? Placement { get; set; }

    [Id(4)]
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>When the current attempt started waiting.</summary>
    [Id(5)]
    public DateTimeOffset QueuedAt { get; set; }

    /// <summary>Wait time of earlier attempts.</summary>
    [Id(6)]
    public TimeSpan WaitedBefore { get; set; }

    [Id(7)]
    public int Attempt { get; set; } = 1;

    [Id(8)]
    public string? PreemptedBy { get; set; }

    [Id(9)]
    public List<JobEvent> History { get; set; } = [];

    [Id(10)]
    public List<double> GpuSamples { get; set; } = [];

    [Id(11)]
    public double PeakGpuMemory { get; set; }

    [Id(12)]
    public double CpuSum { get; set; }

    [Id(13)]
    public int CpuCount { get; set; }

    [Id(14)]
    public double CpuPeak { get; set; }

    [Id(15)]
    public double? EffectiveGpuUtilization { get; set; }

    [Id(16)]
    public ImmutableArray<string> Pools { get; set; } = [];

    [Id(17)]
    public string? Outcome { get; set; }

    /// <summary>The lent node whose reclaim killed the last run (null when the last stop was not a reclaim).</summary>
    [Id(18)]
    public string? ReclaimedFrom { get; set; }

    /// <summary>How many runs of this job were killed by a reclaim of a lent node.</summary>
    [Id(19)]
    public int Reclaims { get; set; }

    /// <summary>The attempts as they ran (newest last, bounded).</summary>
    [Id(20)]
    public List<Abstractions.Contracts.Agent.RunRecord> Runs { get; set; } = [];

    /// <summary>Failed runs started again (at most the spec's MaxRetries).</summary>
    [Id(21)]
    public int Retries { get; set; }

    /// <summary>Runs lost with their node or agent, each counted once.</summary>
    [Id(22)]
    public int LostRuns { get; set; }

    /// <summary>Measured usage over time, every attempt, bounded (UsageTimeline).</summary>
    [Id(23)]
    public List<UsagePoint> Usage { get; set; } = [];

    /// <summary>
    /// The placement whose release (node allocation, department ledger, pool ledger) is owed: written in the same write
    /// as the transition away from Running, carried out right after it, and carried out again on activation (every
    /// release call is idempotent), so a crash between the job's write and the releases loses none of them.
    /// </summary>
    [Id(40)]
    public Placement? Releasing { get; set; }

    /// <summary>When the owed release's run ended.</summary>
    [Id(41)]
    public DateTimeOffset ReleasedAt { get; set; }

    /// <inheritdoc />
    public JobState CopyForStorage() => new()
    {
        Spec = Spec,
        Status = Status,
        Requested = Requested,
        Placement = Placement,
        SubmittedAt = SubmittedAt,
        QueuedAt = QueuedAt,
        WaitedBefore = WaitedBefore,
        Attempt = Attempt,
        PreemptedBy = PreemptedBy,
        History = [.. History],
        GpuSamples = [.. GpuSamples],
        PeakGpuMemory = PeakGpuMemory,
        CpuSum = CpuSum,
        CpuCount = CpuCount,
        CpuPeak = CpuPeak,
        EffectiveGpuUtilization = EffectiveGpuUtilization,
        Pools = Pools,
        Outcome = Outcome,
        ReclaimedFrom = ReclaimedFrom,
        Reclaims = Reclaims,
        Runs = [.. Runs],
        Retries = Retries,
        LostRuns = LostRuns,
        Usage = [.. Usage],
        Releasing = Releasing,
        ReleasedAt = ReleasedAt,
    };
}
