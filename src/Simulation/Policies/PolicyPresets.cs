using System.Collections.Immutable;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Scheduling;

namespace WPAI.Simulation.Policies;

/// <summary>
/// The policies a simulation can compare: WPAI, the peers a team would pick instead (a fixed static quota, Kueue,
/// YARN's capacity scheduler), a shared FIFO, and ablations of WPAI.
/// </summary>
public static class PolicyPresets
{
    /// <summary>YARN's defaults: the preemption monitor runs every 3 s and kills a marked container after 15 s.</summary>
    public static TimeSpan YarnPreemptionDelay { get; } = TimeSpan.FromSeconds(3 + 15);

    /// <summary>WPAI as it runs in production: the switches are the defaults of <see cref="SchedulingOptions"/> (a test checks they stay equal).</summary>
    public static PolicyPreset Wpai { get; } = new(
        "wpai", "all of WPAI's policies: score order (age orders jobs past the aging cap), quotas with borrowing, preemption of borrowed work choosing the victims that lose the least work, model fallback tried before preempting (Kueue's whenCanPreempt: TryNextFlavor: preempts in the first pool where it can, a later pool only without preempting), right-sizing, best fit, a node reserved for a job starving 8 h with backfilling past it by declared run times",
        Quotas: true, Borrowing: true, QueueOrderKind.Score, HeadOfLineBlocking: false, Fallback: true, RightSizing: true, Preemption: true, PlacementKind.BestFit,
        Victims: VictimKind.LeastLostWork, ReservationAfter: new SchedulingOptions().ReservationAfter, Backfill: true, TryNextPoolBeforePreempting: true);

    public static PolicyPreset StaticQuota { get; } = new(
        "static-quota", "status quo: each department only on its own integer quota per pool, FIFO, any acceptable model where it owns room, no right-sizing, no preemption",
        Quotas: true, Borrowing: false, QueueOrderKind.Fifo, HeadOfLineBlocking: false, Fallback: true, RightSizing: false, Preemption: false, PlacementKind.BestFit,
        Reproduces: "fixed per-department GPU quotas (largest remainder of the ownership shares per pool, every GPU owned), no borrowing, FIFO per department (a job waiting for its own quota blocks no other department); a job accepting several GPU models runs in any of them where its department owns room, in the job's order",
        LeavesOut: "quota changes by hand over time; a job asking more GPUs than its department owns in every pool it accepts never starts (counted as never started): at 2 % of the fleet several pools have fewer GPUs than departments");

    public static PolicyPreset Kueue { get; } = new(
        "kueue", "Kueue: a ClusterQueue per department in one cohort, nominal quota = ownership, borrowing, reclaimWithinCohort preemption, BestEffortFIFO, flavor fungibility",
        Quotas: true, Borrowing: true, QueueOrderKind.Score, HeadOfLineBlocking: false, Fallback: true, RightSizing: false, Preemption: true, PlacementKind.BestFit,
        Penalty: false, Aging: false, Victims: VictimKind.ReclaimWithinCohort, TryNextPoolBeforePreempting: true,
        Reproduces: "ClusterQueue per department (nominal quota = ownership in each pool/flavor) in one cohort; idle nominal quota borrowed; workloads within nominal are admitted before borrowing ones, then by creation time (BestEffortFIFO: an inadmissible head does not block); preemption reclaimWithinCohort: Any, withinClusterQueue: Never (Kueue's candidate order and minimal set, CohortPreemption); flavors tried in the job's order with Kueue's default fungibility (whenCanBorrow: MayStopSearch, a job borrows in the first flavor with room; whenCanPreempt: TryNextFlavor, a job that could preempt in a flavor is first offered to its later flavors, which may take it only without preempting, and preempts in the earliest flavor where it can when none takes it)",
        LeavesOut: "TryNextFlavor is carried out over passes, not in one admission cycle (the job is offered to the next pool on one pass and preempts, if still queued, on a later one); priorities (all equal), lending/borrowing limits, fair sharing, hierarchical cohorts; Kueue admits against quota only and kube-scheduler places pods (LeastAllocated by default): here the victims must free one node and placement is best fit, which favours the baseline");

    public static PolicyPreset YarnCapacity { get; } = new(
        "yarn-capacity", "YARN CapacityScheduler: a queue per department, capacity = ownership, maximum-capacity 100 %, preemption of over-capacity containers after monitor interval + max wait before kill, FIFO per queue",
        Quotas: true, Borrowing: true, QueueOrderKind.Score, HeadOfLineBlocking: false, Fallback: false, RightSizing: false, Preemption: true, PlacementKind.BestFit,
        Penalty: false, Aging: false, Victims: VictimKind.ReclaimWithinCohort, PreemptionDelay: YarnPreemptionDelay,
        Reproduces: "a leaf queue per department with capacity = ownership per partition (node label = GPU model) and maximum-capacity 100 % (elastic use of idle capacity); queues under capacity served first, FIFO inside a queue; ProportionalCapacityPreemptionPolicy takes back containers of queues above capacity, newest first, after monitoring_interval 3 s + max_wait_before_kill 15 s",
        LeavesOut: "user-limit-factor (taken as large enough for a queue to reach maximum-capacity), natural_termination_factor and total_preemption_per_round (all of the need is reclaimed at once), max_ignored_over_capacity dead zone, reservations; one partition per job (no model fallback); the kill happens at the first replay event after the wait");

    public static PolicyPreset Fifo { get; } = new(
        "fifo", "one global FIFO queue per pool with head-of-line blocking, first fit, no quotas, preferred model only",
        Quotas: false, Borrowing: false, QueueOrderKind.Fifo, HeadOfLineBlocking: true, Fallback: false, RightSizing: false, Preemption: false, PlacementKind.FirstFit);

    public static PolicyPreset WpaiNoBorrow { get; } = Wpai with { Name = "wpai-no-borrow", Description = "wpai without borrowing other departments' idle quota", Borrowing = false };

    public static PolicyPreset WpaiNoFallback { get; } = Wpai with { Name = "wpai-no-fallback", Description = "wpai without heterogeneous model fallback", Fallback = false };

    public static PolicyPreset WpaiNoRightSize { get; } = Wpai with { Name = "wpai-no-rightsize", Description = "wpai without right-sizing", RightSizing = false };

    public static PolicyPreset WpaiCappedAging { get; } = Wpai with { Name = "wpai-capped-aging", Description = "wpai where age stops ordering jobs at the aging cap (only the score orders past it)", AgePastCap = false };

    public static PolicyPreset WpaiNoReservation { get; } = Wpai with { Name = "wpai-no-reservation", Description = "wpai without the node reservation for a starving job (and so without backfilling)", ReservationAfter = null, Backfill = false };

    public static PolicyPreset WpaiNoBackfill { get; } = Wpai with { Name = "wpai-no-backfill", Description = "wpai whose node reservation keeps every later job off the reserved node (no backfilling by declared run times)", Backfill = false };

    public static PolicyPreset WpaiKeptReservation { get; } = Wpai with { Name = "wpai-kept-reservation", Description = "wpai whose starving job keeps the node it reserved across passes until it starts, unless another node has strictly more free GPUs", KeepReservation = true };

    /// <summary>wpai before TryNextFlavor became its default: an own-tier job that can preempt in its first acceptable pool does so at once.</summary>
    public static PolicyPreset WpaiPreemptFirst { get; } = Wpai with { Name = "wpai-preempt-first", Description = "wpai whose own-tier job preempts in its preferred pool at once, without first trying its later pools (Kueue's whenCanPreempt: MayStopSearch)", TryNextPoolBeforePreempting = false };

    /// <summary>wpai before victims were chosen by lost work: the smallest set of borrowed jobs on one node (lowest score first, newest first), then the fewest GPUs.</summary>
    public static PolicyPreset WpaiVictimsFewest { get; } = Wpai with { Name = "wpai-victims-fewest", Description = "wpai whose preempting job evicts the fewest borrowed jobs on one node (lowest score first, newest first; then the fewest GPUs), whatever work they lose", Victims = VictimKind.LowestScore };

    /// <summary>wpai whose own-tier job waits instead of preempting when the room is expected to free soon enough that its delay costs less than the victims' lost work (a throughput setting, off in production).</summary>
    public static PolicyPreset WpaiWeighWait { get; } = Wpai with { Name = "wpai-weigh-wait", Description = "wpai whose own-tier job waits instead of preempting when its GPUs × the expected wait for room (declared run times, beside the jobs ranked ahead that wait for it) are less than the work the victims would lose", WeighWaitAgainstLostWork = true };
    public static PolicyPreset WpaiWeighQueue { get; } = WpaiWeighWait with { Name = "wpai-weigh-queue", Description = "wpai-weigh-wait whose wait is charged on every GPU the preemption would put to work: the job's and, of the rest the victims free, as many as the jobs ranked after it could take beyond the GPUs free in the pool", WeighQueueBehind = true };
    public static PolicyPreset WpaiWeighJobs { get; } = WpaiWeighQueue with { Name = "wpai-weigh-jobs", Description = "wpai-weigh-queue in job-hours: the job waits while (1 + the jobs queued behind that would take the rest of the victims' GPUs) × the expected wait is less than the victims' hours of progress", WeighWaitPerJob = true };

    /// <summary>wpai whose long borrowed run starts only in a pool that keeps as many GPUs free beside it as it borrows, waiting up to the reservation mark for one (not wpai's default: README "Simulation").</summary>
    public static PolicyPreset WpaiLeaveRoom { get; } = Wpai with { Name = "wpai-leave-room", Description = "wpai whose borrowed job with a declared run time over 12 h starts only in a pool that keeps at least as many GPUs free beside it as it borrows, waiting (and offered to its later pools) up to 8 h for one", LeaveRoomForOwners = true };

    public static PolicyPreset WpaiNoPenalty { get; } = Wpai with { Name = "wpai-no-penalty", Description = "wpai without the utilization penalty in the score (tiers, aging, reservation and backfilling kept)", Penalty = false };

    /// <summary>The <c>kueue</c> preset with <c>whenCanPreempt: MayStopSearch</c> (formerly <c>Preempt</c>): a job that can preempt in its first flavor does so at once.</summary>
    public static PolicyPreset KueuePreemptFirst { get; } = Kueue with
    {
        Name = "kueue-preempt-first",
        Description = "kueue with flavor fungibility whenCanPreempt: MayStopSearch (a job that can preempt in its first flavor does so, without looking at later flavors)",
        TryNextPoolBeforePreempting = false,
    };

    public static ImmutableArray<PolicyPreset> All { get; } = [Wpai, StaticQuota, Kueue, YarnCapacity, Fifo, WpaiNoBorrow, WpaiNoFallback, WpaiNoRightSize, WpaiCappedAging, WpaiNoReservation, WpaiNoBackfill, WpaiKeptReservation, WpaiNoPenalty, WpaiPreemptFirst, WpaiVictimsFewest, WpaiWeighWait, WpaiWeighQueue, WpaiWeighJobs, WpaiLeaveRoom, KueuePreemptFirst];

    public static PolicyPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new WpaiValidationException("--policies", $"'{name}' is not a known policy", $"Use one or more of {string.Join(", ", All.Select(p => p.Name))}.");

    public static ImmutableArray<PolicyPreset> Parse(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Get)];
}
