using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// The scheduler of one pool: the I/O around the pure <see cref="PoolPlanner"/>. It keeps the pending queue and the
/// pool's <see cref="PoolLedger"/> (node capacity pushed by the nodes, running jobs, quotas, utilization windows) up to
/// date from events, plans a pass, carries the decisions out concurrently through the nodes (admission) and the jobs
/// (one placement per attempt), reconciles interrupted placements, and persists with group commit. Passes run after
/// events (gathered for <see cref="SchedulingOptions.PassDelay"/>), periodically for aging, and on <see cref="RunPassAsync"/>.
/// </summary>
[GrainType("wpai-pool-scheduler")]
public sealed partial class PoolSchedulerGrain(
    [PersistentState("scheduler", WpaiCluster.StorageProvider)] IPersistentState<PoolSchedulerState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<SchedulingOptions> options,
    ILogger<PoolSchedulerGrain> logger) : Grain, IPoolSchedulerGrain
{
    private const int MaxConcurrentActions = 64;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly SchedulingOptions _options = options.Value;
    private readonly GroupCommit _writes = new(state.WriteStateAsync);
    private readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forwarded = new(StringComparer.Ordinal);

    // Placements whose outcome is unknown: a call to the node or the job failed (typically a silo died), so the node
    // may hold a reservation that no running job owns. Reconciled before the next pass.
    private readonly HashSet<(string Node, string JobId)> _uncertain = [];
    private ImmutableDictionary<string, DateTimeOffset> _reclaimBy = ImmutableDictionary<string, DateTimeOffset>.Empty;
    private PoolLedger _ledger = null!;
    private IGrainTimer? _passTimer;
    private IGrainTimer? _agingTimer;
    private bool _passRequested;

    private string Pool => this.GetPrimaryKeyString();

    private PoolSchedulerState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ledger = new PoolLedger(Pool, S.Quotas, S.Utilization, S.Nodes, _options.UtilizationWindow);
        var (nodes, orphans) = await PoolRebuild.RunAsync(GrainFactory, _ledger);
        if (await PoolRebuild.RefreshQuotasAsync(GrainFactory, _ledger))
        {
            _writes.MarkDirty();
        }

        foreach (var (node, owner) in orphans)
        {
            LogOrphanReleased(logger, Pool, node, owner);
        }

        if (nodes > 0)
        {
            LogRebuilt(logger, Pool, nodes, _ledger.Running.Count, S.Queue.Count);
        }

        if (_options.AutoPass)
        {
            _passTimer = this.RegisterGrainTimer(PassTimerAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
            _agingTimer = this.RegisterGrainTimer(PassTimerAsync, new GrainTimerCreationOptions(_options.AgingInterval, _options.AgingInterval));
            if (S.Queue.Count > 0)
            {
                RequestPass();
            }
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _passTimer?.Dispose();
        _agingTimer?.Dispose();
        return _writes.DrainAsync();
    }

    public async Task<PoolCheck> EnqueueAsync(QueueEntry entry)
    {
        var check = _ledger.Check(entry.Request, entry.LongRunning);
        if (!check.Known || !check.Fits || (S.Queue.TryGetValue(entry.JobId, out var existing) && existing.Attempt >= entry.Attempt))
        {
            return check;
        }

        S.Queue[entry.JobId] = entry;
        _forwarded.Remove(entry.JobId);
        RequestPass();
        await _writes.PersistAsync();
        return check;
    }

    public Task RemoveAsync(string jobId)
    {
        if (S.Queue.Remove(jobId))
        {
            _reasons.Remove(jobId);
            _writes.MarkDirty();
        }

        return Task.CompletedTask;
    }

    public Task<PoolCheck> CheckAsync(Resources request, bool longRunning) => Task.FromResult(_ledger.Check(request, longRunning));

    public Task NodeChangedAsync(NodeCapacity capacity)
    {
        if (_ledger.Observe(capacity))
        {
            _writes.MarkDirty();
        }

        RequestPass();
        return Task.CompletedTask;
    }

    public Task JobEndedAsync(string jobId, double? effectiveGpuUtilization)
    {
        if (_ledger.End(jobId) is { } job && effectiveGpuUtilization is { } u)
        {
            _ledger.RecordUtilization(job.Department, u);
            _writes.MarkDirty();
        }

        RequestPass();
        return Task.CompletedTask;
    }

    public Task SetQuotaAsync(string department, int gpus)
    {
        _ledger.SetQuota(department, gpus);
        _writes.MarkDirty();
        RequestPass();
        return Task.CompletedTask;
    }

    public Task RegisterNodeAsync(NodeCapacity capacity) => NodeChangedAsync(capacity);

    public Task<int> RunPassAsync() => PassAsync();

    public Task<PoolView> GetAsync() =>
        Task.FromResult(PoolPlanner.View(S.Queue.Values, _ledger, _reasons, S.Placements, S.Preemptions, _options, clock.GetUtcNow(), _reclaimBy));

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
            if (NodeChooser.Choose(resources, _ledger.Nodes.Values, _options.Placement, modes.Contains) is not { } slot)
            {
                return null;
            }

            var result = await GrainFactory.GetGrain<INodeGrain>(slot.Node).TryReserveAsync(new ReservationRequest(ownerId, AllocationKind.InferenceReplica, resources, modes));
            _ledger.Observe(result.Capacity);
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
        _passTimer.Change(_options.PassDelay, Timeout.InfiniteTimeSpan);
    }

    private void RetrySoon()
    {
        if (_passTimer is not null)
        {
            _passRequested = true;
            _passTimer.Change(RetryAfterFailure, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task<int> PassAsync()
    {
        if (_uncertain.Count > 0 && !await ReconcileAsync())
        {
            RetrySoon(); // the rest is settled on a later pass; scheduling goes on meanwhile (a node still admits only what fits)
        }

        var plan = PoolPlanner.PlanPass(S.Queue.Values, _ledger, _options, clock.GetUtcNow(), _reclaimBy);
        foreach (var waiting in plan.Waiting)
        {
            if (!waiting.KeepsEarlierReason || !_reasons.ContainsKey(waiting.Entry.JobId))
            {
                _reasons[waiting.Entry.JobId] = waiting.Reason;
            }

            Forward(waiting.Entry);
        }

        var placed = 0;
        foreach (var chunk in plan.Actions.Chunk(MaxConcurrentActions))
        {
            var results = await Task.WhenAll(chunk.Select(ExecuteOrDeferAsync));
            placed += results.Count(r => r);
        }

        if (_uncertain.Count > 0)
        {
            RetrySoon();
        }

        await _writes.FlushAsync();
        return placed;
    }

    /// <summary>
    /// Carries out one decision; when a call fails (the node's or the job's silo died, a timeout), the job stays queued,
    /// the node is remembered as uncertain, and a pass is retried shortly.
    /// </summary>
    private async Task<bool> ExecuteOrDeferAsync(PlannedAction action)
    {
        var (entry, decision) = action;
        try
        {
            return await ExecuteAsync(entry, decision);
        }
        catch (Exception ex) when (ex is not (WpaiValidationException or WpaiNotFoundException or OutOfMemoryException))
        {
            var node = decision.Node!;
            _uncertain.Add((node, entry.JobId));
            _reasons[entry.JobId] = $"placement on {node} interrupted ({ex.GetType().Name}); retrying";
            LogPlacementInterrupted(logger, ex, Pool, entry.JobId, node);
            return false;
        }
    }

    private async Task<bool> ExecuteAsync(QueueEntry entry, Decision decision)
    {
        var now = clock.GetUtcNow();
        if (decision.Preemption is { } plan)
        {
            foreach (var victim in plan.Victims)
            {
                var next = await GrainFactory.GetGrain<IJobGrain>(victim.JobId).PreemptAsync(entry.JobId, $"own-quota job {entry.JobId} of {entry.Department} needs the GPUs");
                _ledger.End(victim.JobId);
                S.Preemptions++;
                if (next is not null)
                {
                    S.Queue[next.JobId] = next;
                    _reasons[next.JobId] = $"preempted by {entry.JobId}";
                }
            }

            _writes.MarkDirty();
        }

        var node = decision.Node!;
        var reservation = await GrainFactory.GetGrain<INodeGrain>(node).TryReserveAsync(
            new ReservationRequest(entry.JobId, AllocationKind.TrainingJob, entry.Request, NodeModes.TrainingModes(entry.LongRunning)));
        _ledger.Observe(reservation.Capacity);
        if (!reservation.Reserved)
        {
            _reasons[entry.JobId] = $"reservation on {node} refused: {reservation.Reason}";
            return false;
        }

        var started = await GrainFactory.GetGrain<IJobGrain>(entry.JobId).TryStartAsync(new Placement(node, Pool, entry.Request, decision.Tier, now, entry.Attempt));
        if (!started)
        {
            _ledger.Observe(await GrainFactory.GetGrain<INodeGrain>(node).ReleaseAsync(entry.JobId));
        }

        if (S.Queue.TryGetValue(entry.JobId, out var queued) && queued.Attempt == entry.Attempt)
        {
            S.Queue.Remove(entry.JobId);
        }

        _reasons.Remove(entry.JobId);
        _writes.MarkDirty();
        if (!started)
        {
            return false;
        }

        _forwarded.Remove(entry.JobId);
        _ledger.Start(new RunningJob(entry.JobId, entry.Department, node, entry.Request, decision.Tier, decision.Score, now));
        S.Placements++;
        return true;
    }

    /// <summary>
    /// Settles the uncertain placements: a reservation whose job does not run on that node is released; a job that
    /// does run there joins the running ledger. Returns false when some could not be settled yet (still unreachable).
    /// </summary>
    private async Task<bool> ReconcileAsync()
    {
        var settled = true;
        foreach (var (node, jobId) in _uncertain.ToList())
        {
            try
            {
                var job = await PoolRebuild.TryGetJobAsync(GrainFactory, jobId);
                if (job is { Status: JobStatus.Running, Placement: { } p } && p.Pool == Pool && p.Node == node)
                {
                    // Offering the same placement again completes what the interrupted start left undone (ledger, driver).
                    await GrainFactory.GetGrain<IJobGrain>(jobId).TryStartAsync(p);
                    _ledger.Start(new RunningJob(jobId, job.Spec.Department, p.Node, p.Resources, p.Tier, 0, p.StartedAt));
                    if (S.Queue.TryGetValue(jobId, out var queued) && queued.Attempt <= job.Attempts && S.Queue.Remove(jobId))
                    {
                        _reasons.Remove(jobId);
                        _writes.MarkDirty();
                    }
                }
                else
                {
                    _ledger.Observe(await GrainFactory.GetGrain<INodeGrain>(node).ReleaseAsync(jobId));
                }

                _uncertain.Remove((node, jobId));
            }
            catch (Exception ex) when (ex is not (WpaiValidationException or OutOfMemoryException))
            {
                LogReconcileDeferred(logger, ex, Pool, jobId, node);
                settled = false;
            }
        }

        return settled;
    }

    /// <summary>Offers a job this pool cannot place now to the next acceptable pool (it stays queued here too).</summary>
    private void Forward(QueueEntry entry)
    {
        var index = entry.Pools.IndexOf(Pool);
        if (!_options.Fallback || index < 0 || index + 1 >= entry.Pools.Length || !_forwarded.Add(entry.JobId))
        {
            return;
        }

        var next = entry.Pools[index + 1];
        _reasons[entry.JobId] += $"; also offered to pool {next}";
        _ = GrainFactory.GetGrain<IPoolSchedulerGrain>(next).EnqueueAsync(entry);
    }
}
