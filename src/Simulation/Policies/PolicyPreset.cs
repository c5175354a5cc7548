namespace WPAI.Simulation.Policies;

/// <summary>
/// A scheduling policy to replay, as data. The flags mirror the core's scheduling options:
/// quotas on/off, borrowing, queue order, head-of-line blocking, model fallback, right-sizing, preemption, placement.
/// </summary>
public sealed record PolicyPreset(
    string Name,
    string Description,
    bool Quotas,
    bool Borrowing,
    QueueOrderKind Order,
    bool HeadOfLineBlocking,
    bool Fallback,
    bool RightSizing,
    bool Preemption,
    PlacementKind Placement);
