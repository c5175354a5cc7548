namespace WPAI.Domain.Scheduling;

/// <summary>The scheduler's view of one node: its mode, capacity and what is free now.</summary>
public sealed record NodeSlot(string Node, NodeMode Mode, Resources Capacity, Resources Free);
