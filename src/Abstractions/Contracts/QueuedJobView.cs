namespace WPAI.Abstractions.Contracts;

/// <summary>A pending job as its pool shows it: position, score and tier, and why it is not placed.</summary>
[GenerateSerializer, Immutable, Alias("wpai.queued-job-view")]
public sealed record QueuedJobView(string JobId, string Department, Resources Request, int Position, double Score, Tier Tier, TimeSpan Waited, string Reason);
