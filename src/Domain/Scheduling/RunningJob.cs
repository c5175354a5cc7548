namespace WPAI.Domain.Scheduling;

/// <summary>A job running in a pool, as its scheduler's ledger holds it.</summary>
public sealed record RunningJob(string JobId, string Department, string Node, Resources Resources, Tier Tier, double Score, DateTimeOffset StartedAt);
