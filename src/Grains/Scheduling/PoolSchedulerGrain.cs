using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// The scheduler of one pool. It keeps the pending queue, a view of its nodes' free capacity pushed by the nodes,
/// and the pool's running ledger; a pass ranks the queue and decides with the pure <see cref="PoolPlanner"/>, then
/// carries the decisions out concurrently through the nodes (admission) and the jobs (one placement per attempt).
/// Passes run after events (gathered for <see cref="SchedulingOptions.PassDelay"/>), periodically for aging, and on
/// <see cref="RunPassAsync"/>.
/// </summary>
[GrainType("wpai-pool-scheduler")]
public sealed partial class PoolSchedulerGrain(
    [PersistentState("scheduler", WpaiCluster.StorageProvider)] IPersistentState<PoolSchedulerState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<SchedulingOptions> options,
    ILogger<PoolSchedulerGrain> logger) : Grain, IPoolSchedulerGrain
{
    private const int MaxConcurrentActions = 64;
    private const int RebuildFanOut = 64;

    private readonly Dictionary<string, NodeCapacity> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forwarded = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, DateTimeOffset> _reclaimBy = ImmutableDictionary<string, DateTimeOffset>.Empty;
    private IGrainTimer? _passTimer;
    private IGrainTimer? _agingTimer;
    private bool _passRequested;
    private bool _dirty;
    private Task _currentWrite = Task.CompletedTask;
    private Task? _nextWrite;

    private string Pool => this.GetPrimaryKeyString();

    private PoolSchedulerState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await RebuildAsync();
        if (options.Value.AutoPass)
        {
            _passTimer = this.RegisterGrainTimer(PassTimerAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
            _agingTimer = this.RegisterGrainTimer(PassTimerAsync, new GrainTimerCreationOptions(options.Value.AgingInterval, options.Value.AgingInterval));
            if (S.Queue.Count > 0)
            {
                RequestPass();
            }
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _passTimer?.Dispose();
        _agingTimer?.Dispose();
        await _currentWrite;
        if (_nextWrite is not null)
        {
            await _nextWrite;
        }

        await FlushAsync();
    }

    public async Task<PoolCheck> EnqueueAsync(QueueEntry entry)
    {
        var check = Check(entry.Request, entry.LongRunning);
        if (!check.Known || !check.Fits)
        {
            return check;
        }

        if (S.Queue.TryGetValue(entry.JobId, out var existing) && existing.Attempt >= entry.Attempt)
        {
            return check;
        }

        S.Queue[entry.JobId] = entry;
        _forwarded.Remove(entry.JobId);
        RequestPass();
        await PersistAsync();
        return check;
    }

    public Task RemoveAsync(string jobId)
    {
        if (S.Queue.Remove(jobId))
        {
            _reasons.Remove(jobId);
            _dirty = true;
        }

        return Task.CompletedTask;
    }

    public Task<PoolCheck> CheckAsync(Resources request, bool longRunning) => Task.FromResult(Check(request, longRunning));

    private PoolCheck Check(Resources request, bool longRunning)
    {
        var known = S.Nodes.Count > 0;
        var modes = NodeModes.TrainingModes(longRunning);
        var capacities = _nodes.Values.Where(n => modes.Contains(n.Mode) || n.Mode == NodeMode.OnlineNormal).Select(n => n.Capacity).ToList();
        var largest = capacities.OrderByDescending(c => c.Gpus).ThenByDescending(c => c.CpuMilli).FirstOrDefault() ?? Resources.None;
        var fits = capacities.Any(c => c.Fits(request));
        var reason = !known ? $"pool {Pool} has no nodes" : fits ? "ok" : $"no node in pool {Pool} can host {request} (largest: {largest})";
        return new PoolCheck(known, fits, reason, largest);
    }

    public Task NodeChangedAsync(NodeCapacity capacity)
    {
        Observe(capacity);
        if (S.Nodes.Add(capacity.Node))
        {
            _dirty = true;
        }

        RequestPass();
        return Task.CompletedTask;
    }

    public Task JobEndedAsync(string jobId, double? effectiveGpuUtilization)
    {
        if (_running.Remove(jobId, out var job) && effectiveGpuUtilization is { } u)
        {
            if (!S.Utilization.TryGetValue(job.Department, out var recent))
            {
                S.Utilization[job.Department] = recent = [];
            }

            recent.Add(u);
            if (recent.Count > options.Value.UtilizationWindow)
            {
                recent.RemoveAt(0);
            }

            _dirty = true;
        }

        RequestPass();
        return Task.CompletedTask;
    }

    public Task SetQuotaAsync(string department, int gpus)
    {
        S.Quotas[department] = gpus;
        _dirty = true;
        RequestPass();
        return Task.CompletedTask;
    }

    public Task RegisterNodeAsync(NodeCapacity capacity) => NodeChangedAsync(capacity);

    public Task<int> RunPassAsync() => PassAsync();

    public Task<PoolView> GetAsync()
    {
        var planner = NewPlanner();
        var ranked = planner.Rank(S.Queue.Values);
        var queue = ranked.Select((r, i) => new QueuedJobView(
            r.Entry.JobId,
            r.Entry.Department,
            r.Entry.Request,
            i + 1,
            r.Score,
            r.Tier ?? Tier.Borrowed,
            r.Waited,
            _reasons.GetValueOrDefault(r.Entry.JobId) ?? "waiting for the next scheduling pass")).ToImmutableArray();
        var capacity = _nodes.Values.Aggregate(Resources.None, (sum, n) => sum.Add(n.Capacity));
        var free = _nodes.Values.Aggregate(Resources.None, (sum, n) => sum.Add(n.Free));
        var usage = _running.Values.GroupBy(r => r.Department, StringComparer.Ordinal).ToImmutableDictionary(
            g => g.Key,
            g => new PoolUsage(g.Where(r => r.Tier == Tier.Own).Sum(r => r.Resources.Gpus), g.Where(r => r.Tier == Tier.Borrowed).Sum(r => r.Resources.Gpus)),
            StringComparer.Ordinal);
        return Task.FromResult(new PoolView(Pool, S.Nodes.Count, capacity, free, queue, S.Quotas.ToImmutableDictionary(StringComparer.Ordinal), usage, S.Placements, S.Preemptions));
    }

    public Task SetReclaimForecastAsync(ImmutableDictionary<string, DateTimeOffset> reclaimBy)
    {
        _reclaimBy = reclaimBy ?? ImmutableDictionary<string, DateTimeOffset>.Empty;
        return Task.CompletedTask;
    }

    public async Task<string?> PlaceReplicaAsync(string ownerId, Resources resources)
    {
        var modes = NodeModes.InferenceModes;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var slot = NodeChooser.Choose(resources, Slots(), options.Value.Placement, m => modes.Contains(m));
            if (slot is null)
            {
                return null;
            }

            var result = await GrainFactory.GetGrain<INodeGrain>(slot.Node).TryReserveAsync(new ReservationRequest(ownerId, AllocationKind.InferenceReplica, resources, modes));
            Observe(result.Capacity);
            if (result.Reserved)
            {
                return slot.Node;
            }
        }

        return null;
    }

    private async Task PassTimerAsync(CancellationToken cancellationToken)
    {
        _passRequested = false;
        await PassAsync();
    }

    private void RequestPass()
    {
        if (_passTimer is null || _passRequested)
        {
            return;
        }

        _passRequested = true;
        _passTimer.Change(options.Value.PassDelay, Timeout.InfiniteTimeSpan);
    }

    private async Task<int> PassAsync()
    {
        if (S.Queue.Count == 0)
        {
            await FlushAsync();
            return 0;
        }

        var opts = options.Value;
        if (!opts.HeadOfLineBlocking && !CouldPlaceAny(opts))
        {
            // Nothing can move: no node has the GPUs of even the smallest request, and nothing can be preempted.
            // Every job would wait, so skip ranking and planning; still offer the jobs to their next pools.
            foreach (var entry in S.Queue.Values)
            {
                _reasons.TryAdd(entry.JobId, $"no capacity in pool {Pool}: no node has {entry.Request.Gpus} GPUs free and no borrowed job can be preempted");
                Forward(entry);
            }

            await FlushAsync();
            return 0;
        }

        var planner = NewPlanner();
        var actions = new List<(QueueEntry Entry, Decision Decision)>();
        foreach (var ranked in planner.Rank(S.Queue.Values))
        {
            var entry = ranked.Entry;
            var decision = planner.IsExhausted
                ? Decision.Wait($"no capacity in pool {Pool}: no GPU is free and no borrowed job can be preempted")
                : planner.Decide(entry);
            if (decision.Kind == DecisionKind.Wait)
            {
                _reasons[entry.JobId] = decision.Reason;
                Forward(entry);
                if (opts.HeadOfLineBlocking)
                {
                    break;
                }

                continue;
            }

            if (decision.Preemption is { } plan)
            {
                foreach (var victim in plan.Victims)
                {
                    planner.CommitEviction(victim);
                }
            }

            var node = planner.Nodes[decision.Node!];
            planner.CommitPlacement(entry, node.Node, decision.Tier, decision.Score, node.Free.Subtract(entry.Request));
            actions.Add((entry, decision));
        }

        var placed = 0;
        foreach (var chunk in actions.Chunk(MaxConcurrentActions))
        {
            var results = await Task.WhenAll(chunk.Select(a => ExecuteAsync(a.Entry, a.Decision)));
            placed += results.Count(r => r);
        }

        await FlushAsync();
        return placed;
    }

    private async Task<bool> ExecuteAsync(QueueEntry entry, Decision decision)
    {
        var now = clock.GetUtcNow();
        if (decision.Preemption is { } plan)
        {
            foreach (var victim in plan.Victims)
            {
                var next = await GrainFactory.GetGrain<IJobGrain>(victim.JobId).PreemptAsync(entry.JobId, $"own-quota job {entry.JobId} of {entry.Department} needs the GPUs");
                _running.Remove(victim.JobId);
                S.Preemptions++;
                if (next is not null)
                {
                    S.Queue[next.JobId] = next;
                    _reasons[next.JobId] = $"preempted by {entry.JobId}";
                }
            }

            _dirty = true;
        }

        var node = decision.Node!;
        var modes = NodeModes.TrainingModes(entry.LongRunning);
        var reservation = await GrainFactory.GetGrain<INodeGrain>(node).TryReserveAsync(
            new ReservationRequest(entry.JobId, AllocationKind.TrainingJob, entry.Request, modes));
        Observe(reservation.Capacity);
        if (!reservation.Reserved)
        {
            _reasons[entry.JobId] = $"reservation on {node} refused: {reservation.Reason}";
            return false;
        }

        var placement = new Placement(node, Pool, entry.Request, decision.Tier, now, entry.Attempt);
        var started = await GrainFactory.GetGrain<IJobGrain>(entry.JobId).TryStartAsync(placement);
        if (!started)
        {
            Observe(await GrainFactory.GetGrain<INodeGrain>(node).ReleaseAsync(entry.JobId));
            if (S.Queue.TryGetValue(entry.JobId, out var current) && current.Attempt == entry.Attempt)
            {
                S.Queue.Remove(entry.JobId);
            }

            _reasons.Remove(entry.JobId);
            _dirty = true;
            return false;
        }

        if (S.Queue.TryGetValue(entry.JobId, out var queued) && queued.Attempt == entry.Attempt)
        {
            S.Queue.Remove(entry.JobId);
        }

        _reasons.Remove(entry.JobId);
        _forwarded.Remove(entry.JobId);
        _running[entry.JobId] = new RunningJob(entry.JobId, entry.Department, node, entry.Request, decision.Tier, decision.Score, now);
        S.Placements++;
        _dirty = true;
        return true;
    }

    /// <summary>
    /// A cheap, conservative test before a pass: false only when no training node has as many free GPUs as the
    /// smallest queued request and no borrowed-tier job runs (so no placement and no preemption can happen).
    /// </summary>
    private bool CouldPlaceAny(SchedulingOptions opts)
    {
        var smallest = int.MaxValue;
        foreach (var entry in S.Queue.Values)
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

        if (opts.Preemption && opts.Quotas)
        {
            foreach (var job in _running.Values)
            {
                if (job.Tier == Tier.Borrowed)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Offers a job this pool cannot place now to the next acceptable pool (it stays queued here too).</summary>
    private void Forward(QueueEntry entry)
    {
        if (!options.Value.Fallback || _forwarded.Contains(entry.JobId))
        {
            return;
        }

        var index = entry.Pools.IndexOf(Pool);
        if (index < 0 || index + 1 >= entry.Pools.Length)
        {
            return;
        }

        _forwarded.Add(entry.JobId);
        var next = entry.Pools[index + 1];
        _reasons[entry.JobId] += $"; also offered to pool {next}";
        _ = GrainFactory.GetGrain<IPoolSchedulerGrain>(next).EnqueueAsync(entry);
    }

    private PoolPlanner NewPlanner() => new(
        Pool,
        options.Value,
        Slots(),
        _running.Values,
        S.Quotas,
        S.Utilization.ToDictionary(kv => kv.Key, kv => EffectiveUtilization.OfDepartment(kv.Value), StringComparer.Ordinal),
        clock.GetUtcNow(),
        _reclaimBy);

    private IEnumerable<NodeSlot> Slots() => _nodes.Values.Select(n => new NodeSlot(n.Node, n.Mode, n.Capacity, n.Free));

    private void Observe(NodeCapacity capacity)
    {
        if (!_nodes.TryGetValue(capacity.Node, out var known) || known.Version <= capacity.Version)
        {
            _nodes[capacity.Node] = capacity;
        }
    }

    /// <summary>
    /// Group commit: returns when a write that started after this call has completed. At most one write is in
    /// flight; calls arriving meanwhile share the next one.
    /// </summary>
    private Task PersistAsync()
    {
        _dirty = true;
        if (_nextWrite is not null)
        {
            return _nextWrite;
        }

        if (_currentWrite.IsCompleted)
        {
            _currentWrite = WriteNowAsync();
            return _currentWrite;
        }

        _nextWrite = WriteAfterAsync(_currentWrite);
        return _nextWrite;
    }

    private async Task WriteAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // the earlier write's callers see its failure; this write is a new attempt
        }

        _currentWrite = _nextWrite!;
        _nextWrite = null;
        await WriteNowAsync();
    }

    private Task WriteNowAsync()
    {
        _dirty = false;
        return state.WriteStateAsync();
    }

    private Task FlushAsync() => _dirty ? PersistAsync() : Task.CompletedTask;

    private async Task<JobView?> TryGetJobAsync(string jobId)
    {
        try
        {
            return await GrainFactory.GetGrain<IJobGrain>(jobId).GetAsync();
        }
        catch (WpaiNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Rebuilds node capacity and the running ledger from the node grains (their source of truth).</summary>
    private async Task RebuildAsync()
    {
        var views = new List<NodeView>();
        foreach (var chunk in S.Nodes.Chunk(RebuildFanOut))
        {
            views.AddRange(await Task.WhenAll(chunk.Select(n => GrainFactory.GetGrain<INodeGrain>(n).GetAsync())));
        }

        var allocations = new List<(string Node, string Owner)>();
        foreach (var view in views)
        {
            _nodes[view.Spec.Name] = new NodeCapacity(view.Spec.Name, view.Spec.Pool, view.Mode, view.Spec.Capacity, view.Free, view.Version);
            allocations.AddRange(view.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob).Select(a => (view.Spec.Name, a.OwnerId)));
        }

        var orphans = new List<(string Node, string Owner)>();
        foreach (var chunk in allocations.Chunk(RebuildFanOut))
        {
            var jobs = await Task.WhenAll(chunk.Select(a => TryGetJobAsync(a.Owner)));
            for (var i = 0; i < chunk.Length; i++)
            {
                var owner = chunk[i].Owner;
                if (jobs[i] is { Status: JobStatus.Running, Placement: { } p } job && p.Pool == Pool && p.Node == chunk[i].Node)
                {
                    _running[owner] = new RunningJob(owner, job.Spec.Department, p.Node, p.Resources, p.Tier, 0, p.StartedAt);
                }
                else
                {
                    orphans.Add((chunk[i].Node, owner));
                }
            }
        }

        // A reservation whose job never started (a crash between the node's admission and the job's start) is freed.
        foreach (var (node, owner) in orphans)
        {
            Observe(await GrainFactory.GetGrain<INodeGrain>(node).ReleaseAsync(owner));
            LogOrphanReleased(logger, Pool, node, owner);
        }

        if (views.Count > 0)
        {
            LogRebuilt(logger, Pool, views.Count, _running.Count, S.Queue.Count);
        }
    }
}
