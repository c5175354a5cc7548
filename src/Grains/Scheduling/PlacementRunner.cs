using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// Carries out a pool's planned actions through the grains that own the state: victims are preempted (their jobs
/// re-queue), the node admits the reservation (<c>TryReserve</c>, the single place that does), the job takes the
/// placement (one per attempt), and the ledger follows each answer. When a call fails (a silo died, a timeout) the job
/// stays queued and the node is remembered as uncertain until <see cref="ReconcileAsync"/> settles it. Runs on the
/// scheduler grain's turn.
/// </summary>
internal sealed partial class PlacementRunner(IGrainFactory grains, string pool, PoolLedger ledger, PendingQueue queue, SchedulingOptions options, PoolOutbox outbox, Telemetry.WpaiMetrics metrics, ILogger logger)
{
    private const int MaxConcurrentActions = 64;

    // Placements whose outcome is unknown: the node may hold a reservation that no running job owns.
    private readonly HashSet<(string Node, string JobId)> _uncertain = [];

    public bool HasUncertain => _uncertain.Count > 0;

    private (int Placements, int Preemptions) Counts { get; set; }

    /// <summary>The placements and preemptions carried out since the last call (the scheduler adds them to its counters).</summary>
    public (int Placements, int Preemptions) TakeCounts()
    {
        var counts = Counts;
        Counts = default;
        return counts;
    }

    /// <summary>Carries out the actions, at most <see cref="MaxConcurrentActions"/> at once; returns how many jobs started.</summary>
    public async Task<int> RunAsync(IReadOnlyList<PlannedAction> actions, DateTimeOffset now)
    {
        var placed = 0;
        for (var start = 0; start < actions.Count; start += MaxConcurrentActions)
        {
            var started = new Task<bool>[Math.Min(MaxConcurrentActions, actions.Count - start)];
            for (var i = 0; i < started.Length; i++)
            {
                started[i] = ExecuteOrDeferAsync(actions[start + i], now);
            }

            foreach (var result in await Task.WhenAll(started))
            {
                placed += result ? 1 : 0;
            }
        }

        return placed;
    }

    private async Task<bool> ExecuteOrDeferAsync(PlannedAction action, DateTimeOffset now)
    {
        var (entry, decision, awaitsRelease) = action;
        if (awaitsRelease)
        {
            queue.SetReason(entry.JobId, $"its room on {decision.Node} is freed by a preemption of this pass; placed at the next pass, once the node has released it");
            return false;
        }

        try
        {
            return await ExecuteAsync(entry, decision, now);
        }
        catch (Exception ex) when (ex is not (WpaiValidationException or WpaiNotFoundException or OutOfMemoryException))
        {
            var node = decision.Node!;
            _uncertain.Add((node, entry.JobId));
            queue.SetReason(entry.JobId, $"placement on {node} interrupted ({ex.GetType().Name}); retrying");
            LogPlacementInterrupted(logger, ex, pool, entry.JobId, node);
            return false;
        }
    }

    private async Task<bool> ExecuteAsync(QueueEntry entry, Decision decision, DateTimeOffset now)
    {
        foreach (var victim in decision.Preemption?.Victims ?? [])
        {
            var next = await grains.GetGrain<IJobGrain>(victim.JobId).PreemptAsync(entry.JobId, $"own-quota job {entry.JobId} of {entry.Department} needs the GPUs");
            ledger.End(victim.JobId);
            Counts = (Counts.Placements, Counts.Preemptions + 1);
            metrics.Preempted(pool, Telemetry.WpaiMetrics.QuotaReason);
            if (next is not null)
            {
                queue.Requeue(next, $"preempted by {entry.JobId}");
            }
        }

        var node = decision.Node!;
        var reservation = await grains.GetGrain<INodeGrain>(node).TryReserveAsync(
            new ReservationRequest(entry.JobId, AllocationKind.TrainingJob, entry.Request, NodeModes.TrainingModes(entry.LongRunning)));
        ledger.Observe(reservation.Capacity);
        if (!reservation.Reserved)
        {
            queue.SetReason(entry.JobId, $"reservation on {node} refused: {reservation.Reason}");
            return false;
        }

        var placement = new Placement(node, pool, entry.Request, decision.Tier, now, entry.Attempt);
        var started = await grains.GetGrain<IJobGrain>(entry.JobId).TryStartAsync(placement, queue.MayHaveOfferedOnward(entry.JobId));
        if (!started)
        {
            ledger.Observe(await grains.GetGrain<INodeGrain>(node).ReleaseForSchedulerAsync(entry.JobId));
        }

        queue.Remove(entry.JobId, entry.Attempt);
        if (!started)
        {
            return false;
        }

        queue.StartedHere(entry.JobId);
        ledger.Start(RunningJob.Placed(entry, node, decision.Tier, decision.Score, now));
        Counts = (Counts.Placements + 1, Counts.Preemptions);
        metrics.Placed(placement, fallback: entry.Pools.IndexOf(pool) > 0);
        return true;
    }

    /// <summary>
    /// Places an inference replica on an online node of the pool (the node admits it; a refusal, from a ledger that was
    /// behind, is retried on the next choice, at most three times); returns the node, or null when none fits.
    /// </summary>
    public async Task<string?> PlaceReplicaAsync(string ownerId, Resources resources)
    {
        var modes = NodeModes.InferenceModes;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (NodeChooser.Choose(resources, ledger.Nodes.Values, options.Placement, modes.Contains) is not { } slot)
            {
                return null;
            }

            var result = await grains.GetGrain<INodeGrain>(slot.Node).TryReserveAsync(new ReservationRequest(ownerId, AllocationKind.InferenceReplica, resources, modes));
            ledger.Observe(result.Capacity);
            if (result.Reserved)
            {
                return slot.Node;
            }
        }

        return null;
    }

    /// <summary>
    /// Offers a job this pool cannot place now to the next acceptable pool (it stays queued here too). The offer names the
    /// earliest pool so far where the job could preempt (<see cref="WaitReason.PreemptOnlyIn"/>): the next pool may then
    /// place it only without preempting. It is offered again when that changes (e.g. it can no longer preempt here).
    /// </summary>
    public void Forward(WaitReason waiting)
    {
        var entry = waiting.Onward;
        var index = entry.Pools.IndexOf(pool);
        if (!options.Fallback || index < 0 || index + 1 >= entry.Pools.Length || !queue.MarkForwarded(entry.JobId, entry.PreemptOnlyIn))
        {
            return;
        }

        var next = entry.Pools[index + 1];
        queue.AppendReason(entry.JobId, entry.PreemptOnlyIn is { } only ? $"; also offered to pool {next}, to take without preempting (it preempts in pool {only})" : $"; also offered to pool {next}");
        _ = grains.GetGrain<IPoolSchedulerGrain>(next).EnqueueAsync(entry, outbox.Next(next));
    }

    /// <summary>
    /// Settles the uncertain placements: a reservation whose job does not run on that node is released; a job that
    /// does run there joins the running ledger. Returns false when some could not be settled yet (still unreachable).
    /// </summary>
    public async Task<bool> ReconcileAsync()
    {
        var settled = true;
        foreach (var (node, jobId) in _uncertain.ToList())
        {
            try
            {
                var job = await PoolRebuild.TryGetJobAsync(grains, jobId);
                if (job is { Status: JobStatus.Running, Placement: { } p } && p.Pool == pool && p.Node == node)
                {
                    // Offering the same placement again completes what the interrupted start left undone (ledger, driver).
                    await grains.GetGrain<IJobGrain>(jobId).TryStartAsync(p, true);
                    ledger.Start(RunningJob.Found(job.Spec, p));
                    queue.Remove(jobId, job.Attempts);
                }
                else
                {
                    ledger.Observe(await grains.GetGrain<INodeGrain>(node).ReleaseForSchedulerAsync(jobId));
                }

                _uncertain.Remove((node, jobId));
            }
            catch (Exception ex) when (ex is not (WpaiValidationException or OutOfMemoryException))
            {
                LogReconcileDeferred(logger, ex, pool, jobId, node);
                settled = false;
            }
        }

        return settled;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: placing {JobId} on {Node} was interrupted; the job stays queued and the node's reservation is reconciled before the next pass")]
    private static partial void LogPlacementInterrupted(ILogger logger, Exception exception, string pool, string jobId, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: could not reconcile the interrupted placement of {JobId} on {Node} yet; retrying")]
    private static partial void LogReconcileDeferred(ILogger logger, Exception exception, string pool, string jobId, string node);
}
