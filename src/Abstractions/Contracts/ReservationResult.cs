using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>The node's answer to a reservation: admitted or not (with why), its capacity after the call, and the GPU indices the allocation holds.</summary>
[GenerateSerializer, Immutable, Alias("wpai.reservation-result")]
public sealed record ReservationResult(bool Reserved, string? Reason, NodeCapacity Capacity, ImmutableArray<int> GpuIndices = default);
