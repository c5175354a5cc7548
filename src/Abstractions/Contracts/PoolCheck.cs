namespace WPAI.Abstractions.Contracts;

/// <summary>A pool's answer to "could you ever run this?": whether it exists, whether some node is large enough, and why not.</summary>
[GenerateSerializer, Immutable, Alias("wpai.pool-check")]
public sealed record PoolCheck(bool Known, bool Fits, string Reason, Resources Largest);
