namespace WPAI.Abstractions.Contracts;

/// <summary>One entry of a job's history (submitted, placed, preempted, completed …).</summary>
[GenerateSerializer, Immutable, Alias("wpai.job-event")]
public sealed record JobEvent(DateTimeOffset At, string Kind, string Detail);
