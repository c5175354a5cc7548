namespace WPAI.Domain.Scheduling;

/// <summary>Evict <paramref name="Victims"/> on <paramref name="Node"/> so that the job fits there.</summary>
public sealed record PreemptionPlan(string Node, ImmutableArray<RunningJob> Victims);
