namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A message's place in the sequence of one-way messages a silo (<paramref name="Origin"/>, one value per silo process)
/// has sent to one pool scheduler: 1, 2, 3, … As a watermark it means "every message up to
/// <paramref name="Sequence"/>" (0 = none sent yet).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.pool-stamp")]
public sealed record PoolStamp(string Origin, long Sequence);
