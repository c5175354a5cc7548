namespace WPAI.Domain.Scheduling;

/// <summary>
/// Why a job waits after a pass. <paramref name="KeepsEarlierReason"/>: a pass that could not move anything at all does
/// not replace a more specific reason an earlier pass gave.
/// </summary>
public sealed record WaitReason(QueueEntry Entry, string Reason, bool KeepsEarlierReason);
