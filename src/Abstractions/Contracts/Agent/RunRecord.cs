using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>
/// One attempt of a job as it ran: where (node, GPU indices), when, how it ended (status word, exit code or signal,
/// who preempted it) and what it measured (CPU millicores, average and peak). Shown by <c>wpai job show</c> and used by
/// <c>wpai job logs</c> to find an attempt's node.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.run-record")]
public sealed record RunRecord(
    int Attempt,
    string Node,
    ImmutableArray<int> GpuIndices,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt = null,
    string? End = null,
    int? ExitCode = null,
    string? Signal = null,
    string? Preemptor = null,
    double? CpuAverageMilli = null,
    double? CpuPeakMilli = null,
    int? Pid = null,
    string? LogFile = null);
