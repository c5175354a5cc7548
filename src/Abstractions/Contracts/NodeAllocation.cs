namespace WPAI.Abstractions.Contracts;

/// <summary>One admitted allocation on a node: a training job or an inference replica.</summary>
[GenerateSerializer, Immutable, Alias("wpai.node-allocation")]
public sealed record NodeAllocation(string OwnerId, AllocationKind Kind, Resources Resources, DateTimeOffset Since);
