using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>
/// One admitted allocation on a node: a training job or an inference replica. <paramref name="GpuIndices"/> are the
/// node's GPUs (0-based, as <c>nvidia-smi</c> numbers them) it holds: as many as <c>Resources.Gpus</c>, unique per node.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.node-allocation")]
public sealed record NodeAllocation(string OwnerId, AllocationKind Kind, Resources Resources, DateTimeOffset Since, ImmutableArray<int> GpuIndices = default);
