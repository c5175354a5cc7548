namespace WPAI.Domain.Scheduling;

/// <summary>
/// A decision of a pass to carry out: place <paramref name="Entry"/> (after evicting the plan's victims, if any). With
/// <paramref name="AwaitsRelease"/> the job's room on the node is freed only by another preemption of the same pass, whose
/// release may reach the node after this job's reservation: the job is not placed in this pass (the room stays planned
/// for it, so no other job of the pass takes it) and waits for the next pass (<see cref="ReleaseRoom"/>).
/// </summary>
public sealed record PlannedAction(QueueEntry Entry, Decision Decision, bool AwaitsRelease = false);
