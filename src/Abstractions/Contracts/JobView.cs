using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A job as the API shows it. <paramref name="Requested"/> is what the scheduler places (after right-sizing);
/// <paramref name="Explanation"/> says in words why it waits, where it runs, or how it ended. <paramref name="Runs"/> are
/// its attempts as they ran (node, GPU indices, end, exit code or signal, measured CPU), oldest first; <paramref name="Usage"/>
/// its measured usage over time (every attempt, oldest first, coarser as the job runs longer: <c>UsageTimeline</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.job-view")]
public sealed record JobView(
    JobSpec Spec,
    JobStatus Status,
    Resources Requested,
    Placement? Placement,
    DateTimeOffset SubmittedAt,
    TimeSpan WaitTime,
    int Attempts,
    string? PreemptedBy,
    string Explanation,
    double? EffectiveGpuUtilization,
    ImmutableArray<JobEvent> History,
    ImmutableArray<Agent.RunRecord> Runs = default,
    ImmutableArray<UsagePoint> Usage = default);
