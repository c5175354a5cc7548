namespace WPAI.Simulation.Policies;

/// <summary>
/// A scheduling policy to replay, as data. The flags mirror the core's scheduling options:
/// quotas on/off, borrowing, queue order, head-of-line blocking, model fallback, right-sizing, preemption, placement,
/// the utilization penalty and wait-time aging of the score, how victims are chosen and how long a job waits before it
/// may preempt, whether age orders jobs past the aging cap, after how long a starving job reserves a node (null: never),
/// and whether later jobs are backfilled past that reservation by their declared run times, and whether a job that could preempt is first offered to its next acceptable pool (Kueue's <c>whenCanPreempt: TryNextFlavor</c>), and whether a reserved node is kept across passes, and whether an own-tier job weighs the expected wait for room against the work a preemption destroys, and whether a long borrowed run starts only where it leaves the owners as much room as it borrows. <see cref="Reproduces"/> and <see cref="LeavesOut"/> say, for a peer, what of the real system it keeps.
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
    PlacementKind Placement,
    bool Penalty = true,
    bool Aging = true,
    VictimKind Victims = VictimKind.LowestScore,
    TimeSpan PreemptionDelay = default,
    string Reproduces = "",
    string LeavesOut = "",
    bool AgePastCap = true,
    TimeSpan? ReservationAfter = null,
    bool Backfill = false,
    bool TryNextPoolBeforePreempting = false,
    bool KeepReservation = false,
    bool WeighWaitAgainstLostWork = false,
    bool WeighQueueBehind = false,
    bool WeighWaitPerJob = false,
    bool LeaveRoomForOwners = false);
