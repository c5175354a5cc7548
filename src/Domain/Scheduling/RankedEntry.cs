namespace WPAI.Domain.Scheduling;

/// <summary>A pending job with its tier and score at the start of a pass.</summary>
public sealed record RankedEntry(QueueEntry Entry, Tier? Tier, double Score, TimeSpan Waited);
