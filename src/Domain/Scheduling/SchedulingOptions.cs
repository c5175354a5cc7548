namespace WPAI.Domain.Scheduling;

/// <summary>
/// Every knob of the training scheduler, with its default (docs/architecture.md). The simulation's policy presets
/// (<c>static-quota</c>, <c>fifo</c>, ablations) are combinations of these.
/// </summary>
public sealed class SchedulingOptions
{
    public const string SectionName = "Wpai:Scheduling";

    /// <summary>Departments have quotas; false = no quotas (every job is own tier).</summary>
    public bool Quotas { get; set; } = true;

    /// <summary>A department may use idle quota of others (borrowed tier).</summary>
    public bool Borrowing { get; set; } = true;

    public QueueOrder Order { get; set; } = QueueOrder.Score;

    /// <summary>Strict queue: nothing behind a job that cannot be placed is placed.</summary>
    public bool HeadOfLineBlocking { get; set; }

    /// <summary>Jobs naming several GPU models move on to the next model when the earlier cannot place them.</summary>
    public bool Fallback { get; set; } = true;

    /// <summary>Recurring jobs get their next request from the measured usage of earlier runs.</summary>
    public bool RightSizing { get; set; } = true;

    /// <summary>Own-tier jobs may evict borrowed-tier jobs.</summary>
    public bool Preemption { get; set; } = true;

    public PlacementStrategy Placement { get; set; } = PlacementStrategy.BestFit;

    /// <summary>
    /// How a preempting job chooses its victims: by default the borrowed jobs on one node whose eviction loses the least
    /// work (GPUs × time since their run started), so that a short job does not destroy tens of GPU-hours of a long run
    /// when freshly started jobs would free the room; <see cref="VictimRule.LowestScore"/> is the fewest jobs (the
    /// simulation's ablation <c>wpai-victims-fewest</c>); <see cref="VictimRule.ReclaimWithinCohort"/> is Kueue's.
    /// </summary>
    public VictimRule Victims { get; set; } = VictimRule.LeastLostWork;

    /// <summary>How long an own-tier job waits in the queue before it may preempt (YARN's monitor interval + max wait before kill); zero = at once.</summary>
    public TimeSpan PreemptionDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Score base of a job inside its department's own free quota.</summary>
    public double OwnTierBase { get; set; } = 1_000_000;

    /// <summary>Score base of a job that must borrow.</summary>
    public double BorrowedTierBase { get; set; } = 1_000;

    /// <summary>Wait bonus: one point per minute waited, capped here.</summary>
    public double MaxWaitBonus { get; set; } = 480;

    /// <summary>
    /// A job that has waited past the aging cap (<see cref="MaxWaitBonus"/> minutes) has had all the age bonus the score
    /// gives; it then ranks ahead of the jobs of its tier that have not, and such jobs are ordered by how long they have
    /// waited, longest first. The score stays bounded (tiers never cross), but age keeps ordering jobs past the cap, so a
    /// penalty can delay a job by the cap at most, not for ever. False = past the cap only the score orders (ties by wait).
    /// </summary>
    public bool AgeOrdersPastCap { get; set; } = true;

    /// <summary>
    /// A starving job reserves a node: when a job that has waited <see cref="ReservationAfter"/> fits no node, the node that
    /// can host it and has the most free (GPUs, then CPU, then memory) is reserved for it, and no job ranked after it is
    /// placed there (or preempts there) until it fits, unless <see cref="Backfill"/> lets it (YARN's node reservation;
    /// Slurm's backfill reservation). One reservation per pool, for the first such job in rank order, and one per job, in its first acceptable
    /// pool (a job offered to several pools does not hold a node in each); recomputed every pass.
    /// </summary>
    public bool Reservation { get; set; } = true;

    /// <summary>
    /// Backfilling past a reservation (EASY backfilling; Slurm's backfill scheduler, which trusts declared time limits): the
    /// reserved job's expected start on its node (the shadow time) is computed from the expected ends of the jobs running
    /// there (start + declared run time; a job without one, or past it, never ends), and a job ranked after it that fits no
    /// other node may start on the reserved node when it is expected to end by then, or when it fits in what the node will
    /// have spare beside the reserved job at that time. Nothing is backfilled when the shadow time cannot be estimated.
    /// Only the declared run times are trusted: a run that overruns its estimate can delay the reserved job.
    /// </summary>
    public bool Backfill { get; set; } = true;

    /// <summary>
    /// A reservation is kept across passes: a job that reserved a node in an earlier pass keeps that node when it reserves
    /// again, unless another node that can host it has strictly more free GPUs (the guard's first key; CPU and memory only
    /// break ties of a fresh choice). It ends when the job starts or leaves the queue, or when another job takes the pool's
    /// one reservation. The node is persisted with the scheduler's state. False = the freest node is chosen afresh in
    /// every pass (the simulation's <c>wpai</c>; <c>wpai-kept-reservation</c> turns it on).
    /// </summary>
    public bool KeepReservation { get; set; }

    /// <summary>How long a job waits before it may reserve a node: by default the aging cap's 8 h, where the score stops raising it.</summary>
    public TimeSpan ReservationAfter { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Try the next pool before preempting (Kueue's flavor fungibility <c>whenCanPreempt: TryNextFlavor</c>, its default,
    /// with pools as flavors): a job that could preempt in this pool but accepts a later pool is first offered there (where
    /// it may fit without preempting) and preempts here only on a later pass, once it has been offered on and is still
    /// queued here; a later pool offered the job so may place it only without preempting (Kueue preempts in the earliest
    /// flavor that can, <see cref="QueueEntry.PreemptOnlyIn"/>). A preemption destroys the victim's work since its last checkpoint; a job that can run elsewhere loses
    /// nothing by going there, so it does not take a pool's borrowed GPUs back by force while another pool it accepts has
    /// room. Needs <see cref="Fallback"/>. On by default, as in Kueue; false = an own-tier job preempts in its preferred pool
    /// at once (Kueue's <c>whenCanPreempt: MayStopSearch</c>; the simulation's ablation <c>wpai-preempt-first</c>).
    /// </summary>
    public bool TryNextPoolBeforePreempting { get; set; } = true;

    /// <summary>
    /// A long borrowed run leaves room for the owners: a borrowed-tier job whose declared run time makes it long
    /// (<see cref="LongJobThreshold"/>) starts only in a pool that keeps at least as many GPUs free beside it as it borrows
    /// from other departments' quota (<see cref="OwnersRoom"/>), so that the owners' next jobs find room instead of taking
    /// it back; where it would leave less, it waits and is offered to its later pools, each applying the same test, until
    /// it has waited <see cref="ReservationAfter"/> (the starvation guard's mark), after which it takes any room as before.
    /// Only where it starts changes, not whether it may be preempted. False = it takes the first room in flavor order (the
    /// simulation's <c>wpai</c>; <c>wpai-leave-room</c> turns it on).
    /// </summary>
    public bool LeaveRoomForOwners { get; set; }

    /// <summary>
    /// A preemption is weighed against waiting: an own-tier job that could preempt waits instead when the room it needs is
    /// expected to free by itself soon enough that its GPUs × that wait is less than the work the victims would lose (GPUs ×
    /// time since their runs started). Both are GPU-hours of delay: the victims must run that work again, the job only
    /// waits. The expected room is the earliest time the job fits a node of the pool as the running jobs end at their
    /// declared run times (as backfilling computes it), beside what the jobs ranked ahead of it in the pass that wait for room
    /// on that node need (they take it first). Where no end can be estimated (a job without a declared run time, or past
    /// it), it preempts as before. False = an own-tier job preempts whenever it can (the simulation's <c>wpai</c>;
    /// <c>wpai-weigh-wait</c> turns it on).
    /// </summary>
    public bool WeighWaitAgainstLostWork { get; set; }

    /// <summary>
    /// With <see cref="WeighWaitAgainstLostWork"/>: a run spared keeps its GPUs from the whole queue, not only from the job
    /// that could preempt it, so the wait is charged on every GPU the preemption would put to work — the job's and, of the
    /// rest the victims would free, as many as the jobs ranked after it in the pass could take (each no wider than that
    /// rest) beyond the GPUs already free in the pool. With nothing queued behind, the job's GPUs alone (as without it);
    /// behind a burst, the victims' GPUs, so a long run is spared only for room expected within its age. False = the job's
    /// GPUs alone (<c>wpai-weigh-wait</c>; <c>wpai-weigh-queue</c> turns it on).
    /// </summary>
    public bool WeighQueueBehind { get; set; }

    /// <summary>
    /// With <see cref="WeighWaitAgainstLostWork"/>: both sides in job-hours of delay instead of GPU-hours — a preemption
    /// delays each victim's completion by the time its run has been going (its progress is run again), waiting delays the
    /// job and, with <see cref="WeighQueueBehind"/>, each job queued behind it that would take the rest of the victims' GPUs,
    /// by the expected wait. The job waits while the jobs delayed × the wait is less than the victims' hours of progress.
    /// A wait is counted per job, as a wait-time percentile counts it, not per GPU. False = GPU-hours.
    /// </summary>
    public bool WeighWaitPerJob { get; set; }

    /// <summary>Penalty = this × (1 − u) of the department's recent jobs.</summary>
    public double UtilizationPenaltyWeight { get; set; } = 500;

    /// <summary>How many recent jobs of a department make its utilization.</summary>
    public int UtilizationWindow { get; set; } = 10;

    /// <summary>Samples averaged for a job's effective GPU utilization.</summary>
    public int UtilizationSamples { get; set; } = 3;

    /// <summary>Weight of the peak GPU-memory fraction in effective utilization.</summary>
    public double PeakMemoryWeight { get; set; } = 0.9;

    /// <summary>CPU request = recent average × this; CPU limit = recent peak × this.</summary>
    public double CpuHeadroom { get; set; } = 1.5;

    /// <summary>Earlier runs of a template that right-sizing looks at.</summary>
    public int RightSizingRuns { get; set; } = 3;

    /// <summary>
    /// A short job goes first to the lent node expected back soonest after its expected end (<c>RunTimeMatch</c>), before
    /// any other node; off by default (best fit over every eligible node).
    /// </summary>
    public bool MatchLentRunTime { get; set; }

    /// <summary>
    /// Cross-pool lent-first placement: a short job that accepts several pools is queued first in the first of them with
    /// lent room expected to outlast it (<c>CrossPoolLentFirst</c>), before its preferred pool's Fixed nodes; off by default.
    /// </summary>
    public bool LentFirstAcrossPools { get; set; }

    /// <summary>Jobs expected to run longer than this go to Fixed nodes only.</summary>
    public TimeSpan LongJobThreshold { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Scheduling passes run on their own after events (and for aging); false = only on <c>RunPassAsync</c>.</summary>
    public bool AutoPass { get; set; } = true;

    /// <summary>How long events are gathered into one pass when <see cref="AutoPass"/> is on.</summary>
    public TimeSpan PassDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The periodic pass that ages waiting jobs.</summary>
    public TimeSpan AgingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws when the options contradict each other, e.g. when the tiers could cross.</summary>
    public void Validate()
    {
        Require(OwnTierBase > 0 && BorrowedTierBase > 0, nameof(OwnTierBase), "tier bases must be positive");
        Require(MaxWaitBonus >= 0, nameof(MaxWaitBonus), "must not be negative");
        Require(UtilizationPenaltyWeight >= 0, nameof(UtilizationPenaltyWeight), "must not be negative");
        Require(
            OwnTierBase - UtilizationPenaltyWeight > BorrowedTierBase + MaxWaitBonus,
            nameof(OwnTierBase),
            $"the own tier ({OwnTierBase} − penalty {UtilizationPenaltyWeight}) must stay above the borrowed tier ({BorrowedTierBase} + wait bonus {MaxWaitBonus})");
        Require(UtilizationWindow >= 1, nameof(UtilizationWindow), "must be at least 1");
        Require(UtilizationSamples >= 1, nameof(UtilizationSamples), "must be at least 1");
        Require(PeakMemoryWeight is >= 0 and <= 1, nameof(PeakMemoryWeight), "must be within [0, 1]");
        Require(CpuHeadroom >= 1, nameof(CpuHeadroom), "must be at least 1");
        Require(RightSizingRuns >= 1, nameof(RightSizingRuns), "must be at least 1");
        Require(LongJobThreshold > TimeSpan.Zero, nameof(LongJobThreshold), "must be positive");
        Require(PassDelay >= TimeSpan.Zero, nameof(PassDelay), "must not be negative");
        Require(PreemptionDelay >= TimeSpan.Zero, nameof(PreemptionDelay), "must not be negative");
        Require(ReservationAfter >= TimeSpan.Zero, nameof(ReservationAfter), "must not be negative");
        Require(AgingInterval > TimeSpan.Zero, nameof(AgingInterval), "must be positive");
    }

    private static void Require(bool condition, string field, string reason)
    {
        if (!condition)
        {
            throw new WpaiValidationException($"Wpai:Scheduling:{field}", reason, "Fix the scheduling configuration.");
        }
    }
}
