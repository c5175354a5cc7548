using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>Asks a node to admit an allocation. It is admitted only in one of <paramref name="AllowedModes"/>.</summary>
[GenerateSerializer, Immutable, Alias("wpai.reservation-request")]
public sealed record ReservationRequest(string OwnerId, AllocationKind Kind, Resources Resources, ImmutableArray<NodeMode> AllowedModes);
