namespace WPAI.Abstractions.Contracts;

/// <summary>The node's answer to a reservation: admitted or not (with why), and its capacity after the call.</summary>
[GenerateSerializer, Immutable, Alias("wpai.reservation-result")]
public sealed record ReservationResult(bool Reserved, string? Reason, NodeCapacity Capacity);
