using WPAI.Abstractions.Ports;
using WPAI.Domain.Jobs;
using WPAI.Domain.Scheduling;
using WPAI.Grains.Scheduling;

namespace WPAI.Grains.Jobs;

/// <summary>
/// A job's commit protocol around its one persisted record: a submit is queued first and recorded last (acknowledged
/// only when the job and its job-index entry are durable); a transition away from Running is written together with
/// the release it owes (the commit point), then the release is carried out (<see cref="JobRelease"/>, idempotent); a
/// release that failed part-way is carried out again by a repeated completion or by the next activation
/// (<see cref="RecoverAsync"/>), so a run never keeps its GPUs after it ended and nothing is counted twice.
/// </summary>
internal sealed class JobCommit(IPersistentState<JobState> state, IGrainFactory grains, PoolOutbox outbox, Departments.KnownDepartments departments, Fleet.JobIndexAppends index, SchedulingOptions options)
{
    /// <summary>
    /// In memory: the owed release (<see cref="JobState.Releasing"/>) was carried out in this activation. A fresh
    /// activation settles it in <see cref="RecoverAsync"/>; a repeated completion settles it when an earlier try
    /// failed part-way (the driver retries until this succeeds).
    /// </summary>
    private bool _releaseSettled = true;

    private JobLifecycle Life => new(state.State, options);

    /// <summary>
    /// Completes what a crash after the job's last write can leave undone (the ledger calls after it are idempotent): a
    /// running job is (again) in its department's ledger; an owed release is carried out again, then cleared; a
    /// finished job is not in the ledger.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not { } spec)
        {
            return;
        }

        var life = Life;
        if (life.Running is { } p)
        {
            await RecordRunningAsync(spec, p);
        }
        else if (life.OwedRelease is { } owed)
        {
            // A re-queued job may already hold a reservation for its next attempt: only its department record is owed
            // (a reservation left on the old node is released by the scheduler's reconciliation, which knows the attempt).
            await ReleaseAsync(spec, owed.Placement, owed.Status, owed.At, owed.NodeAndPool);
            state.State.Releasing = null;
            await state.WriteStateAsync(cancellationToken);
        }
        else if (life.IsTerminal && state.State.Placement is { } last)
        {
            await Department(spec).RecordEndAsync(life.FinishedOutcome(spec, last));
        }
    }

    /// <summary>
    /// Sizes, queues and records an accepted submit (<paramref name="clock"/> read after the department answered);
    /// true when right-sizing changed the request.
    /// </summary>
    public async Task<bool> SubmitAsync(JobSpec spec, TimeProvider clock)
    {
        var context = await departments.SubmitContextAsync(grains, spec.Department, spec.Template);
        JobSubmission.EnsureDepartment(spec, context);
        var (requested, sizing) = JobSubmission.Size(spec, context, options);
        var now = clock.GetUtcNow();
        var candidates = JobSubmission.Candidates(spec, options);
        var longRunning = JobSubmission.IsLongRunning(spec, options);

        // Acknowledged only when both the job and its entry in the job index are durable (job list never loses it).
        // The index entry before the job's record: a failure between the two leaves an entry that job list skips (no
        // such job), never a job, queued and later running, that job list cannot see. The entry is added while the job
        // is queued when this silo's view of the pools already accepts the job (the two writes wait on each other
        // otherwise, and neither needs the other: a crash after either leaves an unacknowledged submit that the caller
        // retries); a job the pools may refuse is added only once queued, so a refused submit adds nothing.
        var local = JobQueueing.LocalChecks(outbox, candidates, requested, longRunning);
        var indexed = JobQueueing.AcceptedLocally(local) ? index.AddAsync(grains, spec.JobId) : null;
        ImmutableArray<string> pools;
        try
        {
            pools = await JobQueueing.EnqueueFirstAsync(grains, local, spec, requested, candidates, longRunning, options.LentFirstAcrossPools, now);
        }
        catch when (indexed is not null)
        {
            await Task.WhenAny(indexed); // the pools changed since the check: the refusal stands (job list skips the entry)
            throw;
        }

        // Queued first, recorded now: a crash in between leaves a queue entry for a job that does not exist (the
        // scheduler drops it when TryStart says no) and an unacknowledged submit that the caller retries. The job
        // changes in memory only once its index entry is durable: a failed append (however it failed) leaves the job
        // as it was, so the retried submit is carried out again, not answered as a repeat of one never written.
        await (indexed ?? index.AddAsync(grains, spec.JobId));
        Life.Submit(spec, requested, sizing, pools, now);
        await state.WriteStateAsync();
        return sizing is not null;
    }

    /// <summary>
    /// Writes the attempt the lifecycle just started (the commit point), then records it in the department's ledger and
    /// drops the job from the queues of the other pools that may hold it (<see cref="JobLifecycle.PoolsThatMayHoldIt"/>);
    /// returns the running placement.
    /// </summary>
    public async Task<Placement> RecordStartAsync(JobSpec spec, Placement placement, bool offeredOnward)
    {
        await state.WriteStateAsync();
        var running = Life.Running!;
        await RecordRunningAsync(spec, running);
        Unqueue(spec.JobId, placement.Attempt, Life.PoolsThatMayHoldIt(placement, offeredOnward));
        return running;
    }

    /// <summary>(Again) records the running <paramref name="placement"/> in the department's ledger (idempotent).</summary>
    public Task RecordRunningAsync(JobSpec spec, Placement placement) =>
        Department(spec).RecordStartAsync(Life.Allocation(spec, placement));

    /// <summary>Queues the next attempt in the job's first pool, before the current run is stopped and recorded.</summary>
    public Task RequeueAsync(JobSpec spec, Placement placement, DateTimeOffset now) =>
        grains.GetGrain<IPoolSchedulerGrain>(Life.RequeuePool(placement)).EnqueueAsync(Life.NextEntry(spec, now), null);

    /// <summary>
    /// Drops the job's queued attempts up to <paramref name="attempt"/> (every attempt when null) from the queues of
    /// <paramref name="pools"/> (one-way calls; a later attempt queued before a removal arrives stays).
    /// </summary>
    public void Unqueue(string jobId, int? attempt, IEnumerable<string> pools)
    {
        foreach (var pool in pools)
        {
            _ = grains.GetGrain<IPoolSchedulerGrain>(pool).RemoveAsync(jobId, attempt, outbox.Next(pool));
        }
    }

    /// <summary>
    /// Cancels a job that has not ended: a queued one leaves its queues and is written cancelled; a running one is
    /// stopped, then written cancelled with the release it owes, then released.
    /// </summary>
    public async Task CancelAsync(JobSpec spec, IClusterDriver driver, string reason, DateTimeOffset now)
    {
        var life = Life;
        if (life.Running is not { } running)
        {
            Unqueue(spec.JobId, null, state.State.Pools);
            life.Cancel(null, reason, now);
            await state.WriteStateAsync();
            return;
        }

        await driver.StopAsync(spec.JobId, running, JobLifecycle.CancelReason(reason));
        life.Cancel(running, reason, now);
        await ReleaseAfterWriteAsync(spec, running, JobStatus.Cancelled, now);
    }

    /// <summary>The one write of a transition away from Running (the new state with the release it owes), then the release.</summary>
    public async Task ReleaseAfterWriteAsync(JobSpec spec, Placement placement, JobStatus status, DateTimeOffset now)
    {
        Life.BeginRelease(placement, now);
        _releaseSettled = false;
        await state.WriteStateAsync();
        await ReleaseAsync(spec, placement, status, now);
    }

    /// <summary>Carries out an owed release that failed part-way in this activation (each release call is idempotent).</summary>
    /// <summary>Records a reclaim warning (<see cref="JobLifecycle.WarnReclaim"/>), written only when it changed the job.</summary>
    public async Task<DateTimeOffset?> WarnReclaimAsync(JobLifecycle life, string node, string reason, DateTimeOffset now)
    {
        var (killNotBefore, changed) = life.WarnReclaim(node, reason, now);
        if (changed)
        {
            await state.WriteStateAsync();
        }

        return killNotBefore;
    }

    public async Task SettleOwedReleaseAsync(JobSpec spec)
    {
        if (!_releaseSettled && Life.OwedRelease is { } owed)
        {
            await ReleaseAsync(spec, owed.Placement, owed.Status, owed.At, owed.NodeAndPool);
        }
    }

    private async Task ReleaseAsync(JobSpec spec, Placement placement, JobStatus status, DateTimeOffset now, bool nodeAndPool = true)
    {
        await JobRelease.RunAsync(grains, outbox, spec, placement, Life.Outcome(spec, placement, status, now), nodeAndPool);
        _releaseSettled = true;
    }

    private IDepartmentGrain Department(JobSpec spec) => grains.GetGrain<IDepartmentGrain>(spec.Department);
}
