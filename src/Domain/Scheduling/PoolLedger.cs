using WPAI.Domain.Common;
using WPAI.Domain.Nodes;

namespace WPAI.Domain.Scheduling;

/// <summary>
/// What a pool scheduler knows about its pool between passes, kept up to date from events instead of being rebuilt
/// per pass: each node's mode, capacity and free resources (as the node last reported them, newest version wins), the
/// running jobs with the own-tier GPUs per department and the number of borrowed-tier jobs, the departments' quotas and
/// their recent jobs' effective GPU utilization (a bounded window). The quotas, the utilization windows and the node
/// names are the persisted part: the ledger edits the collections it is given.
/// </summary>
public sealed class PoolLedger
{
    private readonly Dictionary<string, NodeSlot> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ownInUse = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double?> _utilizationCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _quotas;
    private readonly Dictionary<string, List<double>> _utilization;
    private readonly ISet<string> _nodeNames;
    private readonly int _utilizationWindow;

    /// <summary>
    /// What <see cref="Check"/> reads: whether the pool has nodes and the distinct capacities of the nodes that count,
    /// frozen; built when first needed and dropped when a node is added or changes mode or capacity (not when only its
    /// free resources change, as on every job's start and end). Read from other threads through
    /// <see cref="PublishedCheckView"/>, so written and read as a volatile reference.
    /// </summary>
    private PoolCheckView? _checkView;

    /// <summary>
    /// What <see cref="LargestFree"/> answers, per long-running flag: built by one scan when first needed and kept up
    /// to date node by node (<see cref="Observe"/>), so a pass does not scan every node of the pool for it.
    /// </summary>
    private Largest _largestFree;
    private Largest _largestFreeLongRunning;

    /// <summary>
    /// The nodes in best fit's order (<see cref="NodeChooser.BestFitOrder"/>), kept as reports arrive, so that best fit
    /// reads the nodes from the first with enough GPUs free instead of scanning them all (<see cref="ByLeastFree"/>).
    /// </summary>
    private readonly SortedSet<NodeSlot> _byLeastFree = new(NodeChooser.BestFitOrder);

    public PoolLedger(string pool, Dictionary<string, int> quotas, Dictionary<string, List<double>> utilization, ISet<string> nodeNames, int utilizationWindow)
    {
        Pool = pool;
        _quotas = quotas;
        _utilization = utilization;
        _nodeNames = nodeNames;
        _utilizationWindow = utilizationWindow;
    }

    /// <summary>A ledger over fresh collections (tests, one-off planning).</summary>
    public static PoolLedger Of(string pool, IEnumerable<NodeSlot> nodes, IEnumerable<RunningJob> running, IReadOnlyDictionary<string, int> quotas, int utilizationWindow = 10)
    {
        var ledger = new PoolLedger(pool, new Dictionary<string, int>(quotas, StringComparer.Ordinal), new(StringComparer.Ordinal), new SortedSet<string>(StringComparer.Ordinal), utilizationWindow);
        foreach (var node in nodes)
        {
            ledger.Put(node);
            ledger._nodeNames.Add(node.Node);
        }

        foreach (var job in running)
        {
            ledger.Start(job);
        }

        return ledger;
    }

    public string Pool { get; }

    public IReadOnlyDictionary<string, NodeSlot> Nodes => _nodes;

    public IReadOnlyDictionary<string, RunningJob> Running => _running;

    public IReadOnlyDictionary<string, int> Quotas => _quotas;

    /// <summary>The names of the pool's registered nodes (persisted; capacity is re-read from the nodes).</summary>
    public IReadOnlyCollection<string> NodeNames => (IReadOnlyCollection<string>)_nodeNames;

    public int BorrowedRunning { get; private set; }

    public int Quota(string department) => _quotas.TryGetValue(department, out var q) ? q : 0;

    public int OwnInUse(string department) => _ownInUse.TryGetValue(department, out var n) ? n : 0;

    /// <summary>The mean effective GPU utilization of the department's recent jobs in this pool (null when none ended yet).</summary>
    public double? Utilization(string department)
    {
        if (!_utilizationCache.TryGetValue(department, out var u))
        {
            u = _utilization.TryGetValue(department, out var recent) ? EffectiveUtilization.OfDepartment(recent) : null;
            _utilizationCache[department] = u;
        }

        return u;
    }

    /// <summary>Takes a node's report unless a newer one was seen. Returns true when the node's name is new to the pool.</summary>
    public bool Observe(NodeCapacity capacity)
    {
        if (!_versions.TryGetValue(capacity.Node, out var known) || known <= capacity.Version)
        {
            _versions[capacity.Node] = capacity.Version;
            if (!_nodes.TryGetValue(capacity.Node, out var seen) || seen.Mode != capacity.Mode || seen.Capacity != capacity.Capacity)
            {
                Volatile.Write(ref _checkView, null);
            }

            var slot = new NodeSlot(capacity.Node, capacity.Mode, capacity.Capacity, capacity.Free);
            Put(slot);
            _largestFree = _largestFree.After(slot, NodeModes.TrainingModes(longRunning: false));
            _largestFreeLongRunning = _largestFreeLongRunning.After(slot, NodeModes.TrainingModes(longRunning: true));
        }

        if (!_nodeNames.Add(capacity.Node))
        {
            return false;
        }

        Volatile.Write(ref _checkView, null); // the pool may have had no node until now
        return true;
    }

    /// <summary>
    /// The nodes with at least <paramref name="gpus"/> GPUs free, in best fit's order (<see cref="NodeChooser.BestFitOrder"/>):
    /// the first of them that a request of that many GPUs fits on, in a mode it may use, is best fit's choice.
    /// </summary>
    public IEnumerable<NodeSlot> ByLeastFree(int gpus) =>
        _byLeastFree.Count == 0 || _byLeastFree.Max!.Free.Gpus < gpus
            ? []
            : _byLeastFree.GetViewBetween(
                new NodeSlot(string.Empty, NodeMode.Down, Resources.None, new Resources(gpus, int.MinValue, long.MinValue)),
                _byLeastFree.Max);

    /// <summary>Sets a node's slot, in the map and in best fit's order.</summary>
    private void Put(NodeSlot slot)
    {
        if (_nodes.TryGetValue(slot.Node, out var old))
        {
            _byLeastFree.Remove(old);
        }

        _nodes[slot.Node] = slot;
        _byLeastFree.Add(slot);
    }

    /// <summary>A job runs in the pool (replaces an earlier record of the same job).</summary>
    public void Start(RunningJob job)
    {
        End(job.JobId);
        _running[job.JobId] = job;
        if (job.Tier == Tier.Own)
        {
            _ownInUse[job.Department] = OwnInUse(job.Department) + job.Resources.Gpus;
        }
        else
        {
            BorrowedRunning++;
        }
    }

    /// <summary>A job stopped running in the pool; returns what the ledger held for it.</summary>
    public RunningJob? End(string jobId)
    {
        if (!_running.Remove(jobId, out var job))
        {
            return null;
        }

        if (job.Tier == Tier.Own)
        {
            _ownInUse[job.Department] = OwnInUse(job.Department) - job.Resources.Gpus;
        }
        else
        {
            BorrowedRunning--;
        }

        return job;
    }

    /// <summary>Adds an ended job's effective GPU utilization to its department's window.</summary>
    public void RecordUtilization(string department, double utilization)
    {
        if (!_utilization.TryGetValue(department, out var recent))
        {
            _utilization[department] = recent = [];
        }

        BoundedList.AddNewestLast(recent, utilization, _utilizationWindow);

        _utilizationCache.Remove(department);
    }

    /// <summary>Sets a department's quota; returns false when it was already that.</summary>
    public bool SetQuota(string department, int gpus)
    {
        if (_quotas.TryGetValue(department, out var current) && current == gpus)
        {
            return false;
        }

        _quotas[department] = gpus;
        return true;
    }

    /// <summary>Whether the pool exists and some node could ever host the request.</summary>
    public PoolCheck Check(Resources request, bool longRunning) => CheckView.Check(request, longRunning);

    /// <summary>What <see cref="Check"/> answers from, built now when a change dropped it.</summary>
    public PoolCheckView CheckView
    {
        get
        {
            if (_checkView is { } view)
            {
                return view;
            }

            view = new PoolCheckView(Pool, _nodeNames.Count > 0, CheckCapacities(longRunning: false), CheckCapacities(longRunning: true));
            Volatile.Write(ref _checkView, view);
            return view;
        }
    }

    /// <summary>
    /// <see cref="CheckView"/> as last built, for a reader on another thread (the ledger itself is not thread-safe): null
    /// when a change dropped it and the pool has not answered a check since.
    /// </summary>
    public PoolCheckView? PublishedCheckView => Volatile.Read(ref _checkView);

    /// <summary>The distinct capacities of the nodes a training job (long-running or not) or a replica could use, in the nodes' order.</summary>
    private ImmutableArray<Resources> CheckCapacities(bool longRunning)
    {
        var modes = NodeModes.TrainingModes(longRunning);
        var seen = new HashSet<Resources>();
        var capacities = ImmutableArray.CreateBuilder<Resources>();
        foreach (var node in _nodes.Values)
        {
            if ((modes.Contains(node.Mode) || node.Mode == NodeMode.OnlineNormal) && seen.Add(node.Capacity))
            {
                capacities.Add(node.Capacity);
            }
        }

        return capacities.ToImmutable();
    }

    /// <summary>
    /// The node a training job (long-running or not) could use with the most GPUs free, ties to the first name in
    /// ordinal order; null when the pool has none.
    /// </summary>
    public NodeSlot? LargestFree(bool longRunning)
    {
        ref var largest = ref longRunning ? ref _largestFreeLongRunning : ref _largestFree;
        if (!largest.Known)
        {
            largest = new Largest(true, NodeSlot.MostFreeGpus(_nodes.Values, NodeModes.TrainingModes(longRunning)));
        }

        return largest.Node;
    }

    /// <summary>
    /// A cheap, conservative test before a pass: false only when no training node has as many free GPUs as the
    /// smallest queued request and no borrowed-tier job runs (so no placement and no preemption can happen).
    /// </summary>
    public bool CouldPlaceAny(IEnumerable<QueueEntry> queue, SchedulingOptions options)
    {
        var smallest = int.MaxValue;
        foreach (var entry in queue)
        {
            smallest = Math.Min(smallest, entry.Request.Gpus);
        }

        foreach (var node in _nodes.Values)
        {
            if (node.Mode is NodeMode.Fixed or NodeMode.OfflineNormal && node.Free.Gpus >= smallest)
            {
                return true;
            }
        }

        return options.Preemption && options.Quotas && BorrowedRunning > 0;
    }

    public Resources TotalCapacity() => _nodes.Values.Aggregate(Resources.None, (sum, n) => sum.Add(n.Capacity));

    public Resources TotalFree() => _nodes.Values.Aggregate(Resources.None, (sum, n) => sum.Add(n.Free));

    /// <summary>Own and borrowed GPUs in use per department.</summary>
    public ImmutableDictionary<string, PoolUsage> Usage() =>
        _running.Values.GroupBy(r => r.Department, StringComparer.Ordinal).ToImmutableDictionary(
            g => g.Key,
            g => new PoolUsage(g.Where(r => r.Tier == Tier.Own).Sum(r => r.Resources.Gpus), g.Where(r => r.Tier == Tier.Borrowed).Sum(r => r.Resources.Gpus)),
            StringComparer.Ordinal);

    /// <summary>The eligible node with the most GPUs free, once known (<see cref="LargestFree"/>).</summary>
    private readonly record struct Largest(bool Known, NodeSlot? Node)
    {
        /// <summary>
        /// After one node's new report: a node that is now larger than the known one takes its place; the known one
        /// stays when it is still eligible and has no fewer GPUs free; otherwise the next question scans again. Every
        /// other node is unchanged, and none of them was larger before.
        /// </summary>
        public Largest After(NodeSlot changed, ImmutableArray<NodeMode> modes)
        {
            if (!Known)
            {
                return this;
            }

            var eligible = modes.Contains(changed.Mode);
            if (Node is not null && string.Equals(Node.Node, changed.Node, StringComparison.Ordinal))
            {
                return eligible && changed.Free.Gpus >= Node.Free.Gpus ? new Largest(true, changed) : default;
            }

            return eligible && (Node is null || changed.HasMoreFreeGpus(Node)) ? new Largest(true, changed) : this;
        }
    }
}
