using System.Globalization;
using WPAI.Domain.Nodes;

namespace WPAI.Domain.Scheduling;

/// <summary>
/// The pure heart of a pool's scheduling pass. <see cref="PlanPass"/> ranks the pending jobs (score or FIFO), then
/// decides job by job against the pool's <see cref="PoolLedger"/> as this pass has changed it so far: placements and
/// evictions decided earlier in the pass are kept in a small overlay (changed nodes, started and evicted jobs), so the
/// ledger itself is neither copied nor modified.
/// </summary>
public sealed class PoolPlanner
{
    private readonly PoolLedger _ledger;
    private readonly string _pool;
    private readonly SchedulingOptions _options;
    private readonly DateTimeOffset _now;
    private readonly IReadOnlyDictionary<string, DateTimeOffset> _reclaimBy;
    private readonly IReadOnlySet<string> _offeredOnward;
    private readonly IReadOnlyDictionary<string, string> _kept;
    private readonly Dictionary<string, NodeSlot> _changedNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunningJob> _started = new(StringComparer.Ordinal);
    private readonly HashSet<string> _evicted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ownDelta = new(StringComparer.Ordinal);
    private int _borrowedDelta;
    private readonly Dictionary<string, Resources> _claimed = new(StringComparer.Ordinal); // room awaited per node (WeighWaitAgainstLostWork)
    private ImmutableArray<RankedEntry> _order = []; // the pass's rank order (WeighQueueBehind)
    private int _position; // where in _order the job being decided is
    private NodeReservation? _reservation;
    private NodeSlot? _largestFree;
    private NodeSlot? _largestFreeLong;
    private BorrowedByNode? _borrowed; // the borrowed-tier jobs by node as this pass sees them, until it places or evicts
    private Dictionary<(int Gpus, int CpuMilli, long MemoryMib, int LargestGpus, string LargestNode), string>? _noCapacityTexts;

    private static readonly NodeSlot NoNode = new(string.Empty, NodeMode.Down, Resources.None, Resources.None);

    /// <param name="offeredOnward">Jobs of the queue already offered to their next acceptable pool (read by <see cref="SchedulingOptions.TryNextPoolBeforePreempting"/>).</param>
    /// <param name="kept">With <see cref="SchedulingOptions.KeepReservation"/>: the node reserved per job by the previous pass (<see cref="PassPlan.Reserved"/>).</param>
    public PoolPlanner(PoolLedger ledger, SchedulingOptions options, DateTimeOffset now, IReadOnlyDictionary<string, DateTimeOffset>? reclaimBy = null, IReadOnlySet<string>? offeredOnward = null, IReadOnlyDictionary<string, string>? kept = null)
    {
        _kept = options.KeepReservation && kept is not null ? kept : ImmutableDictionary<string, string>.Empty;
        _ledger = ledger;
        _pool = ledger.Pool;
        _options = options;
        _now = now;
        _reclaimBy = reclaimBy ?? ImmutableDictionary<string, DateTimeOffset>.Empty;
        _offeredOnward = offeredOnward ?? ImmutableHashSet<string>.Empty;
    }

    /// <summary>
    /// One pass: ranks <paramref name="queue"/> and decides every job in rank order (stopping at the first wait under
    /// head-of-line blocking). Pure: reads the ledger, changes nothing.
    /// </summary>
    public static PassPlan PlanPass(
        IReadOnlyCollection<QueueEntry> queue,
        PoolLedger ledger,
        SchedulingOptions options,
        DateTimeOffset now,
        IReadOnlyDictionary<string, DateTimeOffset>? reclaimBy = null,
        IReadOnlySet<string>? offeredOnward = null,
        IReadOnlyDictionary<string, string>? kept = null)
    {
        if (queue.Count == 0)
        {
            return PassPlan.Empty;
        }

        if (!options.HeadOfLineBlocking && !ledger.CouldPlaceAny(queue, options))
        {
            // Nothing can move: no node has the GPUs of even the smallest request, and nothing can be preempted.
            // Every job waits, so skip ranking and planning.
            return new PassPlan([], [.. queue.Select(e => new WaitReason(
                e,
                $"no capacity in pool {ledger.Pool}: no node has {e.Request.Gpus} GPUs free and no borrowed job can be preempted",
                KeepsEarlierReason: true,
                e.PreemptOnlyIn))], KeptWhileNothingMoves(queue, options, kept));
        }

        var planner = new PoolPlanner(ledger, options, now, reclaimBy, offeredOnward, kept);
        var actions = ImmutableArray.CreateBuilder<PlannedAction>();
        var waiting = ImmutableArray.CreateBuilder<WaitReason>();
        var order = planner.Rank(queue);
        for (var i = 0; i < order.Length; i++)
        {
            var ranked = order[i];
            var entry = ranked.Entry;
            if (options.WeighQueueBehind)
            {
                (planner._order, planner._position) = (order, i);
            }

            var decision = planner.IsExhaustedFor(entry.Request)
                ? Decision.Wait($"no capacity in pool {ledger.Pool}: no GPU is free and no borrowed job can be preempted")
                : planner.Decide(entry);
            if (decision.Kind == DecisionKind.Wait)
            {
                var reason = planner.TryReserve(ranked) ?? decision.Reason;
                waiting.Add(new WaitReason(entry, reason, KeepsEarlierReason: false, entry.PreemptOnlyIn ?? (decision.CouldPreempt ? ledger.Pool : null)));
                if (options.HeadOfLineBlocking)
                {
                    break;
                }

                continue;
            }

            if (decision.Preemption is { } plan)
            {
                var placedHere = plan.Victims.Where(v => !planner.PreemptibleNow(v)).ToList();
                foreach (var victim in plan.Victims)
                {
                    planner.CommitEviction(victim);
                }

                decision = WithdrawPlacedVictims(decision, plan, placedHere, actions, waiting, entry);
            }

            var node = planner.Node(decision.Node!)!;
            planner.CommitPlacement(entry, node.Node, decision.Tier, decision.Score, node.Free.Subtract(entry.Request));
            actions.Add(new PlannedAction(entry, decision));
        }

        return new PassPlan(
            ReleaseRoom.Mark(actions.ToImmutable(), ledger),
            waiting.ToImmutable(),
            options.KeepReservation && planner._reservation is { } held ? ImmutableDictionary<string, string>.Empty.Add(held.JobId, held.Node) : null);
    }

    /// <summary>
    /// A pass never starts a job and then preempts it: a victim that this pass placed (<paramref name="placedHere"/>, the
    /// cheapest for a rule that weighs lost work, as it has none) has its placement withdrawn instead — it stays queued,
    /// with the reason — and the preempting job takes the room without preempting it. Otherwise the start and the
    /// preemption, both carried out concurrently, would race.
    /// </summary>
    private static Decision WithdrawPlacedVictims(
        Decision decision,
        PreemptionPlan plan,
        List<RunningJob> placedHere,
        ImmutableArray<PlannedAction>.Builder actions,
        ImmutableArray<WaitReason>.Builder waiting,
        QueueEntry preemptor)
    {
        if (placedHere.Count == 0)
        {
            return decision;
        }

        foreach (var victim in placedHere)
        {
            // A job has at most one action in a pass: the placement this pass gave it.
            var i = actions.Count - 1;
            while (!string.Equals(actions[i].Entry.JobId, victim.JobId, StringComparison.Ordinal))
            {
                i--;
            }

            var withdrawn = actions[i].Entry;
            actions.RemoveAt(i);
            waiting.Add(new WaitReason(
                withdrawn,
                $"its room on {victim.Node} went to {preemptor.JobId} ({decision.Tier} tier), ranked after it in this pass but entitled to preempt it",
                KeepsEarlierReason: false,
                withdrawn.PreemptOnlyIn));
        }

        var remaining = plan.Victims.Where(v => !placedHere.Contains(v)).ToImmutableArray();
        return remaining.IsEmpty
            ? decision with { Kind = DecisionKind.Place, Preemption = null, Reason = $"placed on {plan.Node} ({decision.Tier} tier), in the room of {string.Join(", ", placedHere.Select(v => v.JobId))}, withdrawn in this pass" }
            : decision with { Preemption = plan with { Victims = remaining }, Reason = $"preempts {string.Join(", ", remaining.Select(v => v.JobId))} on {plan.Node}" };
    }

    /// <summary>A pass in which nothing can move keeps the earlier reservation of a job still queued.</summary>
    private static ImmutableDictionary<string, string>? KeptWhileNothingMoves(IReadOnlyCollection<QueueEntry> queue, SchedulingOptions options, IReadOnlyDictionary<string, string>? kept) =>
        options.KeepReservation && kept is { Count: > 0 }
            ? kept.Where(k => queue.Any(e => string.Equals(e.JobId, k.Key, StringComparison.Ordinal))).ToImmutableDictionary(StringComparer.Ordinal)
            : null;

    /// <summary>The pool as <c>pool show</c> presents it: capacity, usage, and the queue in rank order with each job's reason.</summary>
    public static PoolView View(
        IReadOnlyCollection<QueueEntry> queue,
        PoolLedger ledger,
        IReadOnlyDictionary<string, string> reasons,
        long placements,
        long preemptions,
        SchedulingOptions options,
        DateTimeOffset now,
        IReadOnlyDictionary<string, DateTimeOffset>? reclaimBy = null)
    {
        var ranked = new PoolPlanner(ledger, options, now, reclaimBy).Rank(queue);
        var jobs = ranked.Select((r, i) => new QueuedJobView(
            r.Entry.JobId,
            r.Entry.Department,
            r.Entry.Request,
            i + 1,
            r.Score,
            r.Tier ?? Tier.Borrowed,
            r.Waited,
            reasons.GetValueOrDefault(r.Entry.JobId) ?? "waiting for the next scheduling pass")).ToImmutableArray();
        return new PoolView(
            ledger.Pool,
            ledger.NodeNames.Count,
            ledger.TotalCapacity(),
            ledger.TotalFree(),
            jobs,
            ledger.Quotas.ToImmutableDictionary(StringComparer.Ordinal),
            ledger.Usage(),
            placements,
            preemptions);
    }

    /// <summary>A node as this pass sees it (null when the pool has no such node).</summary>
    public NodeSlot? Node(string name) =>
        _changedNodes.TryGetValue(name, out var changed) ? changed : _ledger.Nodes.GetValueOrDefault(name);

    private IEnumerable<NodeSlot> AllNodes => _changedNodes.Count == 0
        ? _ledger.Nodes.Values
        : _ledger.Nodes.Values.Select(n => _changedNodes.TryGetValue(n.Node, out var changed) ? changed : n);

    private IEnumerable<RunningJob> AllRunning =>
        _ledger.Running.Values.Where(r => !_evicted.Contains(r.JobId) && !_started.ContainsKey(r.JobId)).Concat(_started.Values);

    private int BorrowedRunning => _ledger.BorrowedRunning + _borrowedDelta;

    private BorrowedByNode Borrowed => _borrowed ??= BorrowedByNode.Of(AllRunning);

    /// <summary>Kueue's reclaim takes its targets among the jobs running before this pass (its cycle's snapshot).</summary>
    private bool PreemptibleNow(RunningJob job) => !_started.ContainsKey(job.JobId);

    /// <summary>
    /// Orders the queue: by original submit time, or by score (highest first) — with <see cref="SchedulingOptions.AgeOrdersPastCap"/>,
    /// jobs of a tier that have waited past the aging cap come first in their tier, longest wait first; ties by job id.
    /// </summary>
    public ImmutableArray<RankedEntry> Rank(IEnumerable<QueueEntry> queue)
    {
        var ranked = queue.Select(RankOne);
        IOrderedEnumerable<RankedEntry> ordered;
        if (_options.Order == QueueOrder.Fifo)
        {
            ordered = ranked.OrderBy(r => r.Entry.QueuedAt - r.Entry.WaitedBefore);
        }
        else if (_options.AgeOrdersPastCap)
        {
            var cap = TimeSpan.FromMinutes(_options.MaxWaitBonus);
            ordered = ranked
                .OrderBy(r => r.Tier == Tier.Own ? 0 : 1) // what the score's tier bases do (validation keeps them apart)
                .ThenByDescending(r => r.Waited > cap ? r.Waited : TimeSpan.MinValue)
                .ThenByDescending(r => r.Score)
                .ThenBy(r => r.Entry.QueuedAt - r.Entry.WaitedBefore);
        }
        else
        {
            ordered = ranked.OrderByDescending(r => r.Score).ThenBy(r => r.Entry.QueuedAt - r.Entry.WaitedBefore);
        }

        return [.. ordered.ThenBy(r => r.Entry.JobId, StringComparer.Ordinal)];
    }

    public RankedEntry RankOne(QueueEntry entry)
    {
        var waited = Waited(entry);
        var tier = TierFor(entry);
        var score = PriorityScore.Compute(tier ?? Tier.Borrowed, waited, Utilization(entry.Department), _options);
        return new RankedEntry(entry, tier, score, waited);
    }

    /// <summary>Decides what to do with one job now.</summary>
    public Decision Decide(QueueEntry entry)
    {
        var tier = TierFor(entry);
        var score = PriorityScore.Compute(tier ?? Tier.Borrowed, Waited(entry), Utilization(entry.Department), _options);
        if (tier is null)
        {
            return Decision.Wait(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"quota: department '{entry.Department}' uses {OwnInUse(entry.Department)} of its {Quota(entry.Department)} {_pool} GPUs and borrowing is off"),
                Tier.Borrowed,
                score);
        }

        var longRunning = IsLong(entry);
        var modes = NodeModes.TrainingModes(longRunning);
        bool Schedulable(NodeMode mode) => modes.Contains(mode);

        // Look-ahead (b): a lent node forecast to be taken back before the job's expected end is not offered to it.
        // A node reserved for a starving job ranked earlier is offered to no one else.
        var reservedNode = _reservation?.Node;
        bool Offered(NodeSlot node) =>
            !string.Equals(node.Node, reservedNode, StringComparison.Ordinal) && (_reclaimBy.Count == 0 || !IsDoomed(node, entry));
        IEnumerable<NodeSlot> OfferedNodes() => AllNodes.Where(Offered);

        // Cheap bound first: no node has that many GPUs free, so no node can take the job.
        var largest = LargestFree(longRunning);
        if (largest is not null && largest.Free.Gpus >= entry.Request.Gpus)
        {
            var node = (_options.MatchLentRunTime && !longRunning ? Mixing.RunTimeMatch.Choose(entry.Request, AllNodes, _reclaimBy, _now, entry.ExpectedDuration) : null)
                ?? ChooseNode(entry, Offered, Schedulable);
            if (node is not null)
            {
                return WaitsForOwnersRoom(entry, tier.Value, Schedulable) is { } exposed
                    ? Decision.Wait(exposed, tier.Value, score)
                    : new Decision(DecisionKind.Place, node.Node, tier.Value, score, null, $"placed on {node.Node} ({tier.Value} tier)");
            }

            if (Backfill(entry, Schedulable) is { } backfilled)
            {
                return WaitsForOwnersRoom(entry, tier.Value, Schedulable) is { } exposed
                    ? Decision.Wait(exposed, tier.Value, score)
                    : new Decision(DecisionKind.Place, backfilled.Node, tier.Value, score, null, backfilled.Reason);
            }
        }

        if (tier == Tier.Own && _options.Quotas && _options.Preemption && BorrowedRunning > 0 && _now - entry.QueuedAt >= _options.PreemptionDelay)
        {
            if (entry.PreemptOnlyIn is { } earlier && !string.Equals(earlier, _pool, StringComparison.Ordinal))
            {
                // Kueue's TryNextFlavor: a later flavor is taken only where the job fits; it preempts in the earliest flavor that can.
                return Decision.Wait(
                    $"no room in pool {_pool} without preempting, and it preempts only in pool {earlier}, the first of its pools where it could (flavor fungibility: whenCanPreempt TryNextFlavor)",
                    tier.Value,
                    score);
            }

            var plan = _options.Victims switch
            {
                VictimRule.ReclaimWithinCohort => CohortReclaim.ChooseVictims(entry, OfferedNodes(), [.. AllRunning], _ledger.Quotas, _now, Schedulable, PreemptibleNow),
                VictimRule.LeastLostWork => PreemptionPolicy.ChooseLeastLostWork(entry.Request, Borrowed.Candidates(entry.Request, Node, n => Schedulable(n.Mode) && Offered(n)), _now),
                _ => PreemptionPolicy.ChooseVictims(entry.Request, Borrowed.Candidates(entry.Request, Node, n => Schedulable(n.Mode) && Offered(n))),
            };
            if (plan is not null && NextPoolBeforePreempting(entry) is { } next)
            {
                return Decision.Wait(
                    $"could preempt {string.Join(", ", plan.Victims.Select(v => v.JobId))} on {plan.Node}, but first offered to pool {next}, where it may fit without preempting (flavor fungibility: whenCanPreempt TryNextFlavor)",
                    tier.Value,
                    score) with { CouldPreempt = true };
            }

            if (plan is not null && _options.WeighWaitAgainstLostWork && WaitCostsLess(entry, plan, OfferedNodes(), Schedulable) is { } cheaper)
            {
                return Decision.Wait(cheaper, tier.Value, score) with { CouldPreempt = true };
            }

            if (plan is not null)
            {
                return new Decision(DecisionKind.Preempt, plan.Node, tier.Value, score, plan, $"preempts {string.Join(", ", plan.Victims.Select(v => v.JobId))} on {plan.Node}");
            }
        }

        if (_reclaimBy.Count > 0 && NodeChooser.Choose(entry.Request, AllNodes, _options.Placement, Schedulable) is { } doomed && IsDoomed(doomed, entry))
        {
            return Decision.Wait(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"no capacity in pool {_pool} that outlasts the job: lent node {doomed.Node} is expected back for inference at {_reclaimBy[doomed.Node]:u}, before the job's expected end at {_now + entry.ExpectedDuration:u}"),
                tier.Value,
                score);
        }

        if (_reservation is { } reserved && Node(reserved.Node) is { } slot && Schedulable(slot.Mode) && slot.Free.Fits(entry.Request))
        {
            return Decision.Wait(reserved.BlockedReason(ExpectedEnd(entry)), tier.Value, score);
        }

        return Decision.Wait(NoCapacityReason(entry, largest), tier.Value, score);
    }

    /// <summary>
    /// After <paramref name="ranked"/>'s job was told to wait: when reservations are on, none is held yet in this pass and
    /// the job has waited <see cref="SchedulingOptions.ReservationAfter"/>, is eligible here and this is its first
    /// acceptable pool (a job offered to several pools holds one reservation, not one in each), reserves the node expected
    /// to fit it soonest (<see cref="NodeReservation.ChooseNode(Resources, IEnumerable{NodeSlot}, Func{NodeMode, bool}, string?)"/>;
    /// with <see cref="SchedulingOptions.KeepReservation"/>, the node it reserved in the previous pass unless another has
    /// strictly more free GPUs) for the rest of the pass and returns the job's reason.
    /// </summary>
    public string? TryReserve(RankedEntry ranked)
    {
        var entry = ranked.Entry;
        if (!_options.Reservation || _reservation is not null || ranked.Waited < _options.ReservationAfter || TierFor(entry) is null || !IsFirstPool(entry))
        {
            return null;
        }

        var modes = NodeModes.TrainingModes(IsLong(entry));
        if (NodeReservation.ChooseNode(entry.Request, NotDoomed(entry), m => modes.Contains(m), _kept.GetValueOrDefault(entry.JobId)) is not { } node)
        {
            return null;
        }

        var shadow = _options.Backfill
            ? ShadowTime.Of(node.Free, AllRunning.Where(r => string.Equals(r.Node, node.Node, StringComparison.Ordinal)), entry.Request, _now)
            : null;
        _reservation = new NodeReservation(node.Node, entry.JobId, entry.Request, ranked.Waited, shadow);
        return _reservation.HolderReason(node, _options.ReservationAfter);
    }

    /// <summary>
    /// With <see cref="SchedulingOptions.Backfill"/>: the reserved node for a job that fits no other node, when it fits
    /// there now and does not delay the reserved job by the estimates (<see cref="ShadowTime.Admit"/>); null otherwise.
    /// The reserved node is the last resort: a job that fits elsewhere goes there.
    /// </summary>
    private (string Node, string Reason)? Backfill(QueueEntry entry, Func<NodeMode, bool> schedulable)
    {
        if (!_options.Backfill || _reservation is not { Shadow: { } shadow } held
            || Node(held.Node) is not { } slot || !schedulable(slot.Mode) || !slot.Free.Fits(entry.Request)
            || (_reclaimBy.Count > 0 && IsDoomed(slot, entry)))
        {
            return null;
        }

        var end = ExpectedEnd(entry);
        if (shadow.Admit(entry.Request, end) is null)
        {
            return null;
        }

        var how = end is { } e && e <= shadow.At
            ? string.Create(CultureInfo.InvariantCulture, $"expected to end at {e:u}, before {held.JobId}'s expected start at {shadow.At:u}")
            : string.Create(CultureInfo.InvariantCulture, $"in what {held.JobId} leaves spare there at its expected start at {shadow.At:u}");
        return (held.Node, $"backfilled on reserved node {held.Node} ({how})");
    }

    /// <summary>
    /// With <see cref="SchedulingOptions.WeighWaitAgainstLostWork"/>: the reason to wait instead of carrying out
    /// <paramref name="plan"/> when the room is expected to free by itself (the earliest <see cref="ShadowTime"/> over the
    /// eligible nodes, beside the room that jobs ranked ahead in this pass wait for there) soon enough that the job's width
    /// × that wait is less than the victims' lost work; null to preempt. A job that waits so claims that room.
    /// </summary>
    private string? WaitCostsLess(QueueEntry entry, PreemptionPlan plan, IEnumerable<NodeSlot> nodes, Func<NodeMode, bool> schedulable)
    {
        var runningByNode = AllRunning.ToLookup(r => r.Node, StringComparer.Ordinal);
        (string Node, DateTimeOffset At)? room = null;
        foreach (var node in nodes)
        {
            // Jobs ranked ahead that wait for room on this node take it first: the job needs room beside them.
            var needed = _claimed.TryGetValue(node.Node, out var claimed) ? entry.Request.Add(claimed) : entry.Request;
            if (schedulable(node.Mode) && node.Capacity.Fits(needed)
                && ShadowTime.Of(node.Free, runningByNode[node.Node], needed, _now) is { } shadow
                && (room is null || shadow.At < room.Value.At))
            {
                room = (node.Node, shadow.At);
            }
        }

        if (room is not { } r)
        {
            return null;
        }

        var behind = QueuedBehindFor(plan, entry.Request.Gpus);
        var (lost, width, unit) = _options.WeighWaitPerJob
            ? (plan.Victims.Sum(v => Math.Max(0, (_now - v.StartedAt).TotalHours)), 1.0 + behind.Jobs, "job-h")
            : (plan.Victims.Sum(v => PreemptionPolicy.LostWork(v, _now)), entry.Request.Gpus > 0 ? entry.Request.Gpus + behind.Gpus : entry.Request.CpuMilli / 1000.0, "GPU-h");
        var delay = width * (r.At - _now).TotalHours;
        if (delay >= lost)
        {
            return null;
        }

        _claimed[r.Node] = _claimed.TryGetValue(r.Node, out var before) ? before.Add(entry.Request) : entry.Request;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"could preempt {string.Join(", ", plan.Victims.Select(v => v.JobId))} on {plan.Node}, losing {lost:0.#} {unit} of their work, but room is expected on {r.Node} at {r.At:u} (declared run times), a delay of {delay:0.#} {unit}: it waits");
    }

    /// <summary>
    /// With <see cref="SchedulingOptions.WeighQueueBehind"/>: of the GPUs <paramref name="plan"/>'s victims would free beyond
    /// the job's <paramref name="gpus"/>, how many the jobs ranked after it could take (each asking no more than that rest)
    /// beyond the GPUs free in the pool now, and how many jobs those are; none without the option.
    /// </summary>
    private (int Gpus, int Jobs) QueuedBehindFor(PreemptionPlan plan, int gpus)
    {
        var rest = plan.Victims.Sum(v => v.Resources.Gpus) - gpus;
        if (!_options.WeighQueueBehind || rest <= 0 || _order.IsDefaultOrEmpty)
        {
            return (0, 0);
        }

        var free = AllNodes.Sum(n => n.Free.Gpus);
        var (wanted, jobs) = (0, 0);
        for (var i = _position + 1; i < _order.Length && wanted < free + rest; i++)
        {
            if (_order[i].Entry.Request.Gpus is > 0 and var asks && asks <= rest)
            {
                // The free GPUs serve the jobs ahead in the queue first; the others would wait for the victims' GPUs.
                jobs += wanted + asks > free ? 1 : 0;
                wanted += asks;
            }
        }

        return (Math.Clamp(wanted - free, 0, rest), jobs);
    }

    /// <summary>
    /// With <see cref="SchedulingOptions.LeaveRoomForOwners"/>: the reason a long borrowed job that has room here waits
    /// instead (it would leave fewer GPUs free in the pool than it borrows, <see cref="OwnersRoom.Exposed"/>) until it has
    /// waited <see cref="SchedulingOptions.ReservationAfter"/>; null to place it.
    /// </summary>
    private string? WaitsForOwnersRoom(QueueEntry entry, Tier tier, Func<NodeMode, bool> schedulable)
    {
        if (!_options.LeaveRoomForOwners || tier != Tier.Borrowed || !IsLong(entry) || Waited(entry) >= _options.ReservationAfter)
        {
            return null;
        }

        var borrowed = OwnersRoom.BorrowedGpus(entry.Request.Gpus, Quota(entry.Department), OwnInUse(entry.Department));
        var free = AllNodes.Where(n => schedulable(n.Mode)).Sum(n => n.Free.Gpus);
        if (!OwnersRoom.Exposed(entry.Request.Gpus, borrowed, free))
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"a long borrowed run would leave {free - entry.Request.Gpus} GPUs free in pool {_pool} beside the {borrowed} it borrows from the owners: it waits for a pool that keeps that room, for up to {_options.ReservationAfter.TotalHours:0.#} h of waiting (leave room for owners)");
    }

    /// <summary>When the job would end if it started now (its declared run time); null when it declares none.</summary>
    private DateTimeOffset? ExpectedEnd(QueueEntry entry) => RunningJob.EndOf(_now, entry.ExpectedDuration);

    /// <summary>
    /// True when a request for GPUs cannot be placed any more in this pass: no GPU is free and nothing can be
    /// preempted. A CPU-only request (0 GPUs) is never cut short here: it is decided on CPU and memory.
    /// </summary>
    public bool IsExhaustedFor(Resources request) =>
        request.Gpus > 0 && BorrowedRunning == 0 && (LargestFree(longRunning: false)?.Free.Gpus ?? 0) == 0;

    public void CommitPlacement(QueueEntry entry, string node, Tier tier, double score, Resources nodeFreeAfter)
    {
        UpdateFree(node, nodeFreeAfter);
        var started = RunningJob.Placed(entry, node, tier, score, _now);
        _started[entry.JobId] = started;
        _borrowed = null;
        if (_reservation is { Shadow: { } shadow } held && string.Equals(held.Node, node, StringComparison.Ordinal))
        {
            // A job backfilled onto the reserved node: one that runs past the shadow time uses up part of the spare.
            _reservation = held with { Shadow = shadow.Admit(entry.Request, started.ExpectedEnd) };
        }
        if (tier == Tier.Own)
        {
            _ownDelta[entry.Department] = _ownDelta.GetValueOrDefault(entry.Department) + entry.Request.Gpus;
        }
        else
        {
            _borrowedDelta++;
        }
    }

    public void CommitEviction(RunningJob victim)
    {
        if (!RemoveRunning(victim.JobId))
        {
            return;
        }

        _borrowed = null;
        if (Node(victim.Node) is not { } slot)
        {
            return;
        }

        UpdateFree(victim.Node, slot.Free.Add(victim.Resources));
        if (victim.Tier == Tier.Own)
        {
            _ownDelta[victim.Department] = _ownDelta.GetValueOrDefault(victim.Department) - victim.Resources.Gpus;
        }
        else
        {
            _borrowedDelta--;
        }
    }

    private bool RemoveRunning(string jobId)
    {
        var removed = _started.Remove(jobId);
        if (_ledger.Running.ContainsKey(jobId))
        {
            removed |= _evicted.Add(jobId);
        }

        return removed;
    }

    /// <summary>Takes a node's answer (fresher than the view) into the working copy.</summary>
    public void UpdateFree(string node, Resources free)
    {
        if (Node(node) is { } slot)
        {
            _changedNodes[node] = slot with { Free = free };

            // A node that had no more GPUs free than the cached largest and now has no more than before leaves it the
            // largest (the mode does not change here); otherwise the next look rescans the nodes.
            var fewer = free.Gpus <= slot.Free.Gpus;
            if (!fewer || (_largestFree is { } largest && string.Equals(largest.Node, node, StringComparison.Ordinal)))
            {
                _largestFree = null;
            }

            if (!fewer || (_largestFreeLong is { } largestLong && string.Equals(largestLong.Node, node, StringComparison.Ordinal)))
            {
                _largestFreeLong = null;
            }
        }
    }

    /// <summary>
    /// The eligible node with the most free GPUs (cached until a node changes): the ledger's own answer while this pass
    /// has changed no node, a scan of the nodes as the pass sees them otherwise.
    /// </summary>
    private NodeSlot? LargestFree(bool longRunning)
    {
        if (longRunning)
        {
            return _largestFreeLong ??= (_changedNodes.Count == 0 ? _ledger.LargestFree(longRunning: true) : NodeSlot.MostFreeGpus(AllNodes, NodeModes.TrainingModes(true))) ?? NoNode;
        }

        return _largestFree ??= (_changedNodes.Count == 0 ? _ledger.LargestFree(longRunning: false) : NodeSlot.MostFreeGpus(AllNodes, NodeModes.TrainingModes(false))) ?? NoNode;
    }

    /// <summary>
    /// The node for <paramref name="entry"/> among the pool's nodes (as this pass sees them) <paramref name="offered"/> to
    /// it. Best fit reads the ledger's nodes in its order from the first with enough GPUs free and stops at the first
    /// offered one that this pass has not changed, then weighs the nodes this pass has changed (few) against it: the node a
    /// scan of every offered node chooses, without visiting every node.
    /// </summary>
    private NodeSlot? ChooseNode(QueueEntry entry, Func<NodeSlot, bool> offered, Func<NodeMode, bool> schedulable)
    {
        if (_options.Placement != PlacementStrategy.BestFit)
        {
            return NodeChooser.Choose(entry.Request, AllNodes.Where(offered), _options.Placement, schedulable);
        }

        bool Takes(NodeSlot node) => schedulable(node.Mode) && node.Free.Fits(entry.Request) && offered(node);

        NodeSlot? best = null;
        foreach (var node in _ledger.ByLeastFree(entry.Request.Gpus))
        {
            if (!_changedNodes.ContainsKey(node.Node) && Takes(node))
            {
                best = node;
                break;
            }
        }

        foreach (var changed in _changedNodes.Values)
        {
            if (Takes(changed) && (best is null || NodeChooser.BestFitOrder.Compare(changed, best) < 0))
            {
                best = changed;
            }
        }

        return best;
    }

    /// <summary>A lent node expected back before the job would end (now + its expected duration).</summary>
    public bool IsDoomed(NodeSlot node, QueueEntry entry) =>
        node.Mode == NodeMode.OfflineNormal && _reclaimBy.TryGetValue(node.Node, out var by) && _now + entry.ExpectedDuration > by;

    /// <summary>The pool's nodes less those forecast to be taken back before <paramref name="entry"/>'s expected end.</summary>
    private IEnumerable<NodeSlot> NotDoomed(QueueEntry entry) => _reclaimBy.Count == 0 ? AllNodes : AllNodes.Where(n => !IsDoomed(n, entry));

    /// <summary>
    /// With <see cref="SchedulingOptions.TryNextPoolBeforePreempting"/> (and fallback on): the job's next acceptable pool
    /// when it has one and has not been offered to it yet in this attempt; null when the job may preempt here now.
    /// </summary>
    private string? NextPoolBeforePreempting(QueueEntry entry)
    {
        if (!_options.TryNextPoolBeforePreempting || !_options.Fallback || _offeredOnward.Contains(entry.JobId) || entry.Pools.IsDefaultOrEmpty)
        {
            return null;
        }

        var index = entry.Pools.IndexOf(_pool);
        return index >= 0 && index + 1 < entry.Pools.Length ? entry.Pools[index + 1] : null;
    }

    private bool IsFirstPool(QueueEntry entry) =>
        entry.Pools.IsDefaultOrEmpty || string.Equals(entry.Pools[0], _pool, StringComparison.Ordinal);

    private bool IsLong(QueueEntry entry) => entry.LongRunning || entry.ExpectedDuration > _options.LongJobThreshold;

    private TimeSpan Waited(QueueEntry entry)
    {
        var current = _now - entry.QueuedAt;
        return entry.WaitedBefore + (current > TimeSpan.Zero ? current : TimeSpan.Zero);
    }

    private Tier? TierFor(QueueEntry entry) => TierPolicy.Decide(entry.Request.Gpus, Quota(entry.Department), OwnInUse(entry.Department), _options);

    private int Quota(string department) => _ledger.Quota(department);

    private int OwnInUse(string department) => _ledger.OwnInUse(department) + _ownDelta.GetValueOrDefault(department);

    private double? Utilization(string department) => _ledger.Utilization(department);

    private string NoCapacityReason(QueueEntry entry, NodeSlot? largest)
    {
        if (largest is null || ReferenceEquals(largest, NoNode))
        {
            return IsLong(entry)
                ? $"no capacity in pool {_pool}: long-running jobs need a Fixed node and the pool has none available"
                : $"no capacity in pool {_pool}: no node is available for training";
        }

        // Waiting jobs of one pass share a few texts (the same request and largest node): each is formatted once per pass.
        var key = (entry.Request.Gpus, entry.Request.CpuMilli, entry.Request.MemoryMib, largest.Free.Gpus, largest.Node);
        _noCapacityTexts ??= [];
        if (!_noCapacityTexts.TryGetValue(key, out var text))
        {
            text = string.Create(
                CultureInfo.InvariantCulture,
                $"no capacity in pool {_pool}: needs {entry.Request}, the most GPUs free on one node is {largest.Free.Gpus} ({largest.Node})");
            _noCapacityTexts[key] = text;
        }

        return text;
    }
}
