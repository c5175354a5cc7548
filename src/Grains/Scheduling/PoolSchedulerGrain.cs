using WPAI.Domain.Scheduling;
using WPAI.Grains.Storage;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// The scheduler of one pool: the I/O around the pure <see cref="PoolPlanner"/>. It keeps the pending queue
/// (<see cref="PendingQueue"/>, persisted per shard) and the pool's <see cref="PoolLedger"/> (node capacity pushed by
/// the nodes, running jobs, quotas, utilization windows) up to date from events, plans a pass, has
/// <see cref="PlacementRunner"/> carry the decisions out through the nodes and the jobs, and persists with group commit.
/// Passes run after events (gathered for <see cref="SchedulingOptions.PassDelay"/>), periodically for aging, and on
/// <see cref="RunPassAsync"/>.
/// </summary>
[GrainType(PoolSchedulerGrain.GrainTypeName)]
[Fleet.PoolAffinityPlacement]
public sealed class PoolSchedulerGrain(
    [PersistentState("scheduler", WpaiCluster.StorageProvider)] IPersistentState<PoolSchedulerState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IPersistentStateFactory stateFactory,
    IGrainContext grainContext,
    IOptions<SchedulingOptions> options,
    PoolOutbox outbox,
    Telemetry.WpaiMetrics metrics,
    ILogger<PoolSchedulerGrain> logger) : Grain, IPoolSchedulerGrain
{
    /// <summary>The grain type name (placement and the cluster benchmark find the schedulers by it).</summary>
    public const string GrainTypeName = "wpai-pool-scheduler";

    private readonly SchedulingOptions _options = options.Value;
    private GroupCommit _writes = null!;
    private ImmutableDictionary<string, DateTimeOffset> _reclaimBy = ImmutableDictionary<string, DateTimeOffset>.Empty;
    private PoolLedger _ledger = null!;
    private readonly PendingQueue _queue = new(stateFactory, grainContext, WpaiCluster.StorageProvider);
    private PlacementRunner _runner = null!;
    private PassTrigger _pass = new(null, null, TimeSpan.Zero);
    private DeliveryBarrier _delivered = null!;
    private PoolIdleness _idle = null!;
    private LocalPoolChecks.Hosted? _local;

    private string Pool => this.GetPrimaryKeyString();

    private PoolSchedulerState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _idle = PoolIdleness.Start(outbox, Pool);
        _writes = new GroupCommit(() =>
        {
            CountActions(); // the placement counters ride along with every write of the scheduler's state
            return state.WriteStateAsync();
        });
        _ledger = new PoolLedger(Pool, S.Quotas, S.Utilization, S.Nodes, _options.UtilizationWindow);
        _delivered = new DeliveryBarrier(Pool);
        _runner = new PlacementRunner(GrainFactory, Pool, _ledger, _queue, _options, outbox, metrics, logger);
        if (await _queue.LoadAsync(S.Queue))
        {
            await _writes.PersistAsync(); // the scheduler's state without the queue that moved into the shards
        }

        if (await PoolRebuild.ActivateAsync(GrainFactory, _ledger, _queue.Count, logger))
        {
            _writes.MarkDirty();
        }

        _local = outbox.Checks.Host(Pool, _ledger); // this silo's submits read the pool's checks from here

        if (_options.AutoPass)
        {
            _pass = new PassTrigger(
                this.RegisterGrainTimer(PassTimerAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)),
                this.RegisterGrainTimer(AgingTimerAsync, new GrainTimerCreationOptions(_options.AgingInterval, _options.AgingInterval)),
                _options.PassDelay);
            if (_queue.Count > 0)
            {
                _pass.Request();
            }
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_local is not null)
        {
            outbox.Checks.Leave(Pool, _local);
        }

        _idle.Changed();
        _pass.Stop();
        CountActions();
        await Task.WhenAll(_queue.DrainAsync(), _writes.DrainAsync());
    }

    public async Task<PoolCheck> EnqueueAsync(QueueEntry entry, PoolStamp? stamp)
    {
        _idle.Changed();
        var check = _ledger.Check(entry.Request, entry.LongRunning);
        // The same attempt again replaces the entry only when it names another pool where the job may preempt (a later offer).
        if (!check.Known || !check.Fits || (_queue.TryGet(entry.JobId, out var existing)
            && (existing.Attempt > entry.Attempt || (existing.Attempt == entry.Attempt && string.Equals(existing.PreemptOnlyIn, entry.PreemptOnlyIn, StringComparison.Ordinal)))))
        {
            Applied(stamp);
            return check;
        }

        _pass.Request();
        var written = _queue.PutAsync(entry); // queued at once; the write completes later
        Applied(stamp);
        await written;
        return check;
    }

    public Task RemoveAsync(string jobId, int? attempt, PoolStamp? stamp)
    {
        // A job that started in another pool is dropped from the pools that may hold it; an earlier pool of its list may not.
        // Only up to the attempt that started: its next attempt may already be queued here (the removal waited for a pass).
        var removed = _queue.Remove(jobId, attempt);
        Applied(stamp);
        if (removed)
        {
            _idle.Changed();
        }
        else
        {
            _idle.Unchanged(_delivered);
        }

        return Task.CompletedTask;
    }

    public Task<PoolCheck> CheckAsync(Resources request, bool longRunning)
    {
        var check = _ledger.Check(request, longRunning);
        return Task.FromResult(_options.LentFirstAcrossPools && !longRunning
            ? check with { LentRoomUntil = Domain.Mixing.CrossPoolLentFirst.LentRoomUntil(request, _ledger.Nodes.Values, _reclaimBy) }
            : check);
    }

    public Task NodeChangedAsync(NodeCapacity capacity, PoolStamp? stamp)
    {
        _idle.Changed();
        if (_ledger.Observe(capacity))
        {
            _writes.MarkDirty();
        }

        Applied(stamp);
        _pass.Request();
        return Task.CompletedTask;
    }

    public Task JobEndedAsync(string jobId, double? effectiveGpuUtilization, NodeCapacity? freed, PoolStamp? stamp)
    {
        _idle.Changed();
        var changed = freed is not null && _ledger.Observe(freed); // the node's capacity first, as the node's own report came first
        if (_ledger.End(jobId) is { } job && effectiveGpuUtilization is { } u)
        {
            _ledger.RecordUtilization(job.Department, u);
            changed = true;
        }

        if (changed)
        {
            _writes.MarkDirty();
        }

        Applied(stamp);
        _pass.Request();
        return Task.CompletedTask;
    }

    public Task SetQuotaAsync(string department, int gpus)
    {
        _idle.Changed();
        _ledger.SetQuota(department, gpus);
        _writes.MarkDirty();
        _pass.Request();
        return Task.CompletedTask;
    }

    public Task RegisterNodeAsync(NodeCapacity capacity) => NodeChangedAsync(capacity, null);

    public Task<int> RunPassAsync() => PassAsync();

    public async Task<int?> RunPassAfterAsync(PoolStamp watermark) => _delivered.Covers(watermark) ? await PassAsync() : null;

    public Task AwaitDeliveredAsync(PoolStamp watermark, TimeSpan timeout) => _delivered.AwaitAsync(watermark, timeout);

    public Task<PoolView> GetAsync()
    {
        CountActions();
        return Task.FromResult(PoolPlanner.View(_queue.Entries, _ledger, _queue.Reasons, S.Placements, S.Preemptions, _options, clock.GetUtcNow(), _reclaimBy));
    }

    public Task SetReclaimForecastAsync(ImmutableDictionary<string, DateTimeOffset> reclaimBy)
    {
        _idle.Changed();
        _reclaimBy = reclaimBy ?? ImmutableDictionary<string, DateTimeOffset>.Empty;
        return Task.CompletedTask;
    }

    public Task<string?> PlaceReplicaAsync(string ownerId, Resources resources)
    {
        _idle.Changed();
        return _runner.PlaceReplicaAsync(ownerId, resources);
    }

    private async Task PassTimerAsync(CancellationToken cancellationToken)
    {
        _pass.Fired();
        await PassAsync();
    }

    private async Task AgingTimerAsync(CancellationToken cancellationToken)
    {
        await PassTimerAsync(cancellationToken);
        if (CountActions()) // the placement counters, when nothing else has written them since they moved
        {
            await _writes.PersistAsync();
        }
    }

    private async Task<int> PassAsync()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_runner.HasUncertain && !await _runner.ReconcileAsync())
        {
            _pass.Retry(); // the rest is settled on a later pass; scheduling goes on meanwhile (a node still admits only what fits)
        }

        var plan = PoolPlanner.PlanPass(_queue.Entries, _ledger, _options, clock.GetUtcNow(), _reclaimBy, _queue.Forwarded, S.Reservations);
        var planned = _idle.Planned();
        if (_options.KeepReservation && S.KeepReservations(plan.ReservedNodes))
        {
            _writes.MarkDirty(); // written with the pass's flush
        }

        foreach (var waiting in plan.Waiting)
        {
            _queue.SetReason(waiting.Entry.JobId, waiting.Reason, waiting.KeepsEarlierReason);
            _runner.Forward(waiting);
        }

        var placed = await _runner.RunAsync(plan.Actions, clock.GetUtcNow());
        if (_runner.HasUncertain)
        {
            _pass.Retry();
        }

        var queueWritten = _queue.FlushAsync();
        var stateWritten = _writes.FlushAsync();
        if (!queueWritten.IsCompletedSuccessfully || !stateWritten.IsCompletedSuccessfully)
        {
            await Task.WhenAll(queueWritten, stateWritten);
        }

        _idle.PassEnded(planned, nothingLeft: _queue.Count == 0 && !_runner.HasUncertain, _delivered);

        metrics.PassCompleted(Pool, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return placed;
    }

    /// <summary>Records a one-way message as applied (<see cref="DeliveryBarrier"/>), and tells this silo's check readers.</summary>
    private void Applied(PoolStamp? stamp)
    {
        _delivered.Applied(stamp);
        _local?.Applied(_delivered.Contiguous(outbox.Origin));
    }

    /// <summary>Adds the runner's new placements and preemptions to the persisted counters; true when there were any.</summary>
    private bool CountActions()
    {
        var (placements, preemptions) = _runner.TakeCounts();
        S.Placements += placements;
        S.Preemptions += preemptions;
        return placements + preemptions > 0;
    }
}
