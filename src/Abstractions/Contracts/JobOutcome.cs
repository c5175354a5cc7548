namespace WPAI.Abstractions.Contracts;

/// <summary>What a finished (or evicted) run leaves in its department's history.</summary>
[GenerateSerializer, Immutable, Alias("wpai.job-outcome")]
public sealed record JobOutcome(string JobId, string Pool, JobStatus Status, int Gpus, double? EffectiveGpuUtilization, TimeSpan RunTime, DateTimeOffset EndedAt, string? Template = null, double CpuAverageMilli = 0, double CpuPeakMilli = 0);
