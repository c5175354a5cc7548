namespace WPAI.Abstractions.Contracts;

/// <summary>One change to a department's running-job ledger: a job started (<paramref name="Start"/>) or ended (<paramref name="End"/>); exactly one is set.</summary>
[GenerateSerializer, Immutable, Alias("wpai.department-record")]
public sealed record DepartmentRecord(RunningAllocation? Start, JobOutcome? End);
