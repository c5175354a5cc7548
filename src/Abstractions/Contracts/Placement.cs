namespace WPAI.Abstractions.Contracts;

/// <summary>Where a job runs, with what, in which quota tier, since when, and on which attempt.</summary>
[GenerateSerializer, Immutable, Alias("wpai.placement")]
public sealed record Placement(string Node, string Pool, Resources Resources, Tier Tier, DateTimeOffset StartedAt, int Attempt);
