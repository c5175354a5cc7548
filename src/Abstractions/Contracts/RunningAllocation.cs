namespace WPAI.Abstractions.Contracts;

/// <summary>A running job's entry in its department's ledger.</summary>
[GenerateSerializer, Immutable, Alias("wpai.running-allocation")]
public sealed record RunningAllocation(string JobId, string Pool, string Node, Resources Resources, Tier Tier, DateTimeOffset StartedAt);
