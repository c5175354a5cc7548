using System.Globalization;
using WPAI.Domain.Nodes;

namespace WPAI.Domain.Scheduling;

/// <summary>
/// The pure heart of a pool's scheduling pass. It ranks the pending jobs (score or FIFO), then decides job by job
/// against a working copy of the pool (node free capacity, running ledger, quotas) that the caller updates with
/// <see cref="CommitPlacement"/> and <see cref="CommitEviction"/> as reservations succeed.
/// </summary>
public sealed class PoolPlanner
{
    private readonly string _pool;
    private readonly SchedulingOptions _options;
    private readonly Dictionary<string, NodeSlot> _nodes;
    private readonly Dictionary<string, RunningJob> _running;
    private readonly IReadOnlyDictionary<string, int> _quotas;
    private readonly IReadOnlyDictionary<string, double?> _utilization;
    private readonly Dictionary<string, int> _ownInUse = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _now;
    private readonly IReadOnlyDictionary<string, DateTimeOffset> _reclaimBy;
    private int _borrowedRunning;
    private NodeSlot? _largestFree;
    private NodeSlot? _largestFreeLong;

    private static readonly NodeSlot NoNode = new(string.Empty, NodeMode.Down, Resources.None, Resources.None);

    public PoolPlanner(
        string pool,
        SchedulingOptions options,
        IEnumerable<NodeSlot> nodes,
        IEnumerable<RunningJob> running,
        IReadOnlyDictionary<string, int> quotas,
        IReadOnlyDictionary<string, double?> departmentUtilization,
        DateTimeOffset now,
        IReadOnlyDictionary<string, DateTimeOffset>? reclaimBy = null)
    {
        _reclaimBy = reclaimBy ?? ImmutableDictionary<string, DateTimeOffset>.Empty;
        _pool = pool;
        _options = options;
        _nodes = nodes.ToDictionary(n => n.Node, StringComparer.Ordinal);
        _running = running.ToDictionary(r => r.JobId, StringComparer.Ordinal);
        _quotas = quotas;
        _utilization = departmentUtilization;
        _now = now;
        foreach (var job in _running.Values)
        {
            if (job.Tier == Tier.Own)
            {
                _ownInUse[job.Department] = OwnInUse(job.Department) + job.Resources.Gpus;
            }
            else
            {
                _borrowedRunning++;
            }
        }
    }

    public IReadOnlyDictionary<string, NodeSlot> Nodes => _nodes;

    /// <summary>Orders the queue: by score (highest first) or by original submit time; ties by job id.</summary>
    public ImmutableArray<RankedEntry> Rank(IEnumerable<QueueEntry> queue)
    {
        var ranked = queue.Select(RankOne);
        var ordered = _options.Order == QueueOrder.Fifo
            ? ranked.OrderBy(r => r.Entry.QueuedAt - r.Entry.WaitedBefore).ThenBy(r => r.Entry.JobId, StringComparer.Ordinal)
            : ranked.OrderByDescending(r => r.Score).ThenBy(r => r.Entry.QueuedAt - r.Entry.WaitedBefore).ThenBy(r => r.Entry.JobId, StringComparer.Ordinal);
        return [.. ordered];
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
        var nodes = _reclaimBy.Count == 0 ? _nodes.Values : _nodes.Values.Where(n => !IsDoomed(n, entry));

        // Cheap bound first: no node has that many GPUs free, so no node can take the job.
        var largest = LargestFree(longRunning);
        if (largest is not null && largest.Free.Gpus >= entry.Request.Gpus)
        {
            var node = NodeChooser.Choose(entry.Request, nodes, _options.Placement, Schedulable);
            if (node is not null)
            {
                return new Decision(DecisionKind.Place, node.Node, tier.Value, score, null, $"placed on {node.Node} ({tier.Value} tier)");
            }
        }

        if (tier == Tier.Own && _options.Quotas && _options.Preemption && _borrowedRunning > 0)
        {
            var plan = PreemptionPolicy.ChooseVictims(entry.Request, nodes, [.. _running.Values], Schedulable);
            if (plan is not null)
            {
                return new Decision(DecisionKind.Preempt, plan.Node, tier.Value, score, plan, $"preempts {string.Join(", ", plan.Victims.Select(v => v.JobId))} on {plan.Node}");
            }
        }

        if (_reclaimBy.Count > 0 && NodeChooser.Choose(entry.Request, _nodes.Values, _options.Placement, Schedulable) is { } doomed && IsDoomed(doomed, entry))
        {
            return Decision.Wait(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"no capacity in pool {_pool} that outlasts the job: lent node {doomed.Node} is expected back for inference at {_reclaimBy[doomed.Node]:u}, before the job's expected end at {_now + entry.ExpectedDuration:u}"),
                tier.Value,
                score);
        }

        return Decision.Wait(NoCapacityReason(entry, largest), tier.Value, score);
    }

    /// <summary>True when no job can be placed any more in this pass: no GPU is free and nothing can be preempted.</summary>
    public bool IsExhausted => _borrowedRunning == 0 && (LargestFree(longRunning: false)?.Free.Gpus ?? 0) == 0;

    public void CommitPlacement(QueueEntry entry, string node, Tier tier, double score, Resources nodeFreeAfter)
    {
        UpdateFree(node, nodeFreeAfter);
        _running[entry.JobId] = new RunningJob(entry.JobId, entry.Department, node, entry.Request, tier, score, _now);
        if (tier == Tier.Own)
        {
            _ownInUse[entry.Department] = OwnInUse(entry.Department) + entry.Request.Gpus;
        }
        else
        {
            _borrowedRunning++;
        }
    }

    public void CommitEviction(RunningJob victim)
    {
        if (_running.Remove(victim.JobId) && _nodes.TryGetValue(victim.Node, out var slot))
        {
            UpdateFree(victim.Node, slot.Free.Add(victim.Resources));
            if (victim.Tier == Tier.Own)
            {
                _ownInUse[victim.Department] = OwnInUse(victim.Department) - victim.Resources.Gpus;
            }
            else
            {
                _borrowedRunning--;
            }
        }
    }

    /// <summary>Takes a node's answer (fresher than the view) into the working copy.</summary>
    public void UpdateFree(string node, Resources free)
    {
        if (_nodes.TryGetValue(node, out var slot))
        {
            _nodes[node] = slot with { Free = free };
            _largestFree = null;
            _largestFreeLong = null;
        }
    }

    /// <summary>The eligible node with the most free GPUs (cached until a node changes).</summary>
    private NodeSlot? LargestFree(bool longRunning)
    {
        if (longRunning)
        {
            return _largestFreeLong ??= Largest(NodeModes.TrainingModes(true));
        }

        return _largestFree ??= Largest(NodeModes.TrainingModes(false));

        NodeSlot? Largest(ImmutableArray<NodeMode> modes)
        {
            NodeSlot? best = null;
            foreach (var n in _nodes.Values)
            {
                if (modes.Contains(n.Mode) && (best is null || n.Free.Gpus > best.Free.Gpus || (n.Free.Gpus == best.Free.Gpus && string.CompareOrdinal(n.Node, best.Node) < 0)))
                {
                    best = n;
                }
            }

            return best ?? NoNode;
        }
    }

    /// <summary>A lent node expected back before the job would end (now + its expected duration).</summary>
    public bool IsDoomed(NodeSlot node, QueueEntry entry) =>
        node.Mode == NodeMode.OfflineNormal && _reclaimBy.TryGetValue(node.Node, out var by) && _now + entry.ExpectedDuration > by;

    private bool IsLong(QueueEntry entry) => entry.LongRunning || entry.ExpectedDuration > _options.LongJobThreshold;

    private TimeSpan Waited(QueueEntry entry)
    {
        var current = _now - entry.QueuedAt;
        return entry.WaitedBefore + (current > TimeSpan.Zero ? current : TimeSpan.Zero);
    }

    private Tier? TierFor(QueueEntry entry) => TierPolicy.Decide(entry.Request.Gpus, Quota(entry.Department), OwnInUse(entry.Department), _options);

    private int Quota(string department) => _quotas.TryGetValue(department, out var q) ? q : 0;

    private int OwnInUse(string department) => _ownInUse.TryGetValue(department, out var n) ? n : 0;

    private double? Utilization(string department) => _utilization.TryGetValue(department, out var u) ? u : null;

    private string NoCapacityReason(QueueEntry entry, NodeSlot? largest)
    {
        if (largest is null || ReferenceEquals(largest, NoNode))
        {
            return IsLong(entry)
                ? $"no capacity in pool {_pool}: long-running jobs need a Fixed node and the pool has none available"
                : $"no capacity in pool {_pool}: no node is available for training";
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"no capacity in pool {_pool}: needs {entry.Request}, the most GPUs free on one node is {largest.Free.Gpus} ({largest.Node})");
    }
}
