namespace WPAI.Domain.Scheduling;

/// <summary>
/// Why a job waits after a pass. <paramref name="KeepsEarlierReason"/>: a pass that could not move anything at all does
/// not replace a more specific reason an earlier pass gave. <paramref name="PreemptOnlyIn"/>: what the offer of the job to
/// its next pool carries (<see cref="QueueEntry.PreemptOnlyIn"/>): the earliest pool so far where it could preempt, or
/// null when it could preempt in none of them (then a later pool may preempt for it).
/// </summary>
public sealed record WaitReason(QueueEntry Entry, string Reason, bool KeepsEarlierReason, string? PreemptOnlyIn = null)
{
    /// <summary>The entry as offered to the job's next pool.</summary>
    public QueueEntry Onward => Entry.PreemptOnlyIn == PreemptOnlyIn ? Entry : Entry with { PreemptOnlyIn = PreemptOnlyIn };
}
