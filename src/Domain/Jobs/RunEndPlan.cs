namespace WPAI.Domain.Jobs;

/// <summary>
/// What the end of a job's current run leads to: <paramref name="Requeue"/> (a next attempt waits) or the job's end;
/// <paramref name="RunStatus"/> is how the run counts in the ledgers, <paramref name="Kind"/> and
/// <paramref name="Detail"/> the history event.
/// </summary>
public sealed record RunEndPlan(bool Requeue, JobStatus RunStatus, string Kind, string Detail);
