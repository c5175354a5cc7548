using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Domain.Jobs;

/// <summary>
/// What is kept of one training job between calls: its spec, where it is in its life, its attempts and the usage of its
/// current run. The job grain's persisted state implements it; <see cref="JobLifecycle"/> is the only code that changes it.
/// </summary>
public interface IJobRecord
{
    JobSpec? Spec { get; set; }

    JobStatus Status { get; set; }

    Resources Requested { get; set; }

    Placement? Placement { get; set; }

    DateTimeOffset SubmittedAt { get; set; }

    /// <summary>When the current attempt started waiting.</summary>
    DateTimeOffset QueuedAt { get; set; }

    /// <summary>Wait time of earlier attempts.</summary>
    TimeSpan WaitedBefore { get; set; }

    int Attempt { get; set; }

    string? PreemptedBy { get; set; }

    List<JobEvent> History { get; set; }

    List<double> GpuSamples { get; set; }

    /// <summary>Measured usage over time, every attempt (see <see cref="UsageTimeline"/>).</summary>
    List<UsagePoint> Usage { get; set; }

    double PeakGpuMemory { get; set; }

    double CpuSum { get; set; }

    int CpuCount { get; set; }

    double CpuPeak { get; set; }

    double? EffectiveGpuUtilization { get; set; }

    ImmutableArray<string> Pools { get; set; }

    string? Outcome { get; set; }

    string? ReclaimedFrom { get; set; }

    int Reclaims { get; set; }

    List<RunRecord> Runs { get; set; }

    int Retries { get; set; }

    int LostRuns { get; set; }

    /// <summary>The placement whose release is owed (see <see cref="JobLifecycle.BeginRelease"/>).</summary>
    Placement? Releasing { get; set; }

    DateTimeOffset ReleasedAt { get; set; }
}
