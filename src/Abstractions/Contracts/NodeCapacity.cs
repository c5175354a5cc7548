namespace WPAI.Abstractions.Contracts;

/// <summary>What a node pushes to its pool's scheduler after every change. <paramref name="Version"/> only grows.</summary>
[GenerateSerializer, Immutable, Alias("wpai.node-capacity")]
public sealed record NodeCapacity(string Node, string Pool, NodeMode Mode, Resources Capacity, Resources Free, long Version);
