namespace WPAI.Domain.Scheduling;

/// <summary>A decision of a pass to carry out: place <paramref name="Entry"/> (after evicting the plan's victims, if any).</summary>
public sealed record PlannedAction(QueueEntry Entry, Decision Decision);
