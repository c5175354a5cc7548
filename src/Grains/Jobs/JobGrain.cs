using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Ports;
using WPAI.Domain.Jobs;
using WPAI.Domain.Scheduling;
using WPAI.Grains.Security;

namespace WPAI.Grains.Jobs;

/// <summary>
/// A training job and its state machine: Pending → Running → Succeeded / Failed / Cancelled, Running → Preempted →
/// Pending. <see cref="TryStartAsync"/> admits at most one placement per attempt, so a job never runs twice.
/// </summary>
[GrainType("wpai-job")]
public sealed partial class JobGrain(
    [PersistentState("job", WpaiCluster.StorageProvider)] IPersistentState<JobState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<SchedulingOptions> options,
    IClusterDriver driver,
    Telemetry.WpaiMetrics metrics,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IDepartmentOwned
{
    /// <summary>
    /// In memory: the owed release (<see cref="JobState.Releasing"/>) was carried out in this activation. A fresh
    /// activation settles it in <see cref="OnActivateAsync"/>; a repeated completion settles it when an earlier try
    /// failed part-way (the driver retries until this succeeds, so a run never keeps its GPUs after it ended).
    /// </summary>
    private bool _releaseSettled = true;

    private JobState S => state.State;

    private JobLifecycle Life => new(state.State, options.Value);

    /// <inheritdoc />
    public string? OwningDepartment => S.Spec?.Department;

    /// <summary>
    /// Completes what a crash after this job's last write can leave undone (the write is the commit point; the ledger
    /// calls after it are idempotent): a running job is (again) in its department's ledger; an owed release is carried
    /// out again, then cleared; a finished job is not in the ledger.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is not { } spec)
        {
            return;
        }

        var life = Life;
        if (life.Running is { } p)
        {
            await Department(spec).RecordStartAsync(life.Allocation(spec, p));
        }
        else if (life.OwedRelease is { } owed)
        {
            // A re-queued job may already hold a reservation for its next attempt: only its department record is owed
            // (a reservation left on the old node is released by the scheduler's reconciliation, which knows the attempt).
            await ReleaseAsync(spec, owed.Placement, owed.Status, owed.At, owed.NodeAndPool);
            S.Releasing = null;
            await state.WriteStateAsync(cancellationToken);
        }
        else if (life.IsTerminal && S.Placement is { } last)
        {
            await Department(spec).RecordEndAsync(life.FinishedOutcome(spec, last));
        }
    }

    public async Task<SubmitResult> SubmitAsync(JobSpec spec)
    {
        if (JobSubmission.IsRepeat(spec, this.GetPrimaryKeyString(), S.Spec))
        {
            return new SubmitResult(View(), false);
        }

        var opts = options.Value;
        var context = await Department(spec).GetSubmitContextAsync(spec.Template);
        JobSubmission.EnsureDepartment(spec, context);
        var (requested, sizing) = JobSubmission.Size(spec, context, opts);
        var now = clock.GetUtcNow();
        var pools = await JobQueueing.EnqueueFirstAsync(GrainFactory, spec, requested, JobSubmission.Candidates(spec, opts), JobSubmission.IsLongRunning(spec, opts), now);

        // Queued first, recorded now: a crash in between leaves a queue entry for a job that does not exist (the
        // scheduler drops it when TryStart says no) and an unacknowledged submit that the caller retries.
        Life.Submit(spec, requested, sizing, pools, now);

        // Acknowledged only when both the job and its entry in the job index are durable (job list never loses it).
        // The index entry first: a failure between the two leaves an entry that job list skips (no such job), never a
        // job, queued and later running, that job list cannot see.
        await GrainFactory.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey).AddAsync([spec.JobId]);
        await state.WriteStateAsync();
        if (sizing is not null)
        {
            metrics.RightSized(spec.Department);
        }

        return new SubmitResult(View(), true);
    }

    public Task<JobView> GetAsync() => Task.FromResult(View());

    public async Task<bool> TryStartAsync(Placement placement)
    {
        var life = Life;
        if (life.IsRepeatedOffer(placement) && S.Spec is { } started && life.Running is { } current)
        {
            // A repeated offer of this attempt: the scheduler lost the answer to an earlier one (a silo died in between).
            // Heal the department ledger (idempotent), and confirm only the placement the job actually holds.
            await Department(started).RecordStartAsync(life.Allocation(started, current));
            await driver.StartAsync(life.RunSpec(started), current); // idempotent per attempt
            return life.Holds(placement);
        }

        if (S.Spec is not { } spec || !life.Start(placement, clock.GetUtcNow()))
        {
            return false;
        }

        await state.WriteStateAsync();
        var running = life.Running!;
        await Department(spec).RecordStartAsync(life.Allocation(spec, running));
        foreach (var pool in life.OtherPools(placement))
        {
            _ = GrainFactory.GetGrain<IPoolSchedulerGrain>(pool).RemoveAsync(spec.JobId);
        }

        await driver.StartAsync(life.RunSpec(spec), running);
        LogStarted(logger, spec.JobId, placement.Node, placement.Tier, placement.Attempt);
        return true;
    }

    public async Task<QueueEntry?> PreemptAsync(string preemptorJobId, string reason)
    {
        var life = Life;
        if (S.Spec is not { } spec || life.Running is not { } placement)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await driver.StopAsync(spec.JobId, placement, JobLifecycle.PreemptReason(preemptorJobId, reason));
        life.Preempt(placement, preemptorJobId, reason, now);
        await ReleaseAfterWriteAsync(spec, placement, JobStatus.Preempted, now);
        LogPreempted(logger, spec.JobId, preemptorJobId, placement.Node);
        return life.Entry(spec, now);
    }

    public async Task<bool> ReclaimAsync(string node, string reason)
    {
        var life = Life;
        if (S.Spec is not { } spec || !life.RunsOn(node) || life.Running is not { } placement)
        {
            return false;
        }

        // Queued first: a crash before the kill is recorded leaves the job running on the draining node (the controller
        // kills it again on its next tick) and a queue entry the scheduler drops when TryStart refuses the attempt.
        var now = clock.GetUtcNow();
        await GrainFactory.GetGrain<IPoolSchedulerGrain>(life.RequeuePool(placement)).EnqueueAsync(life.NextEntry(spec, now));
        await driver.StopAsync(spec.JobId, placement, JobLifecycle.ReclaimReason(node, reason));
        life.Reclaim(placement, reason, now);
        await ReleaseAfterWriteAsync(spec, placement, JobStatus.Preempted, now);
        LogReclaimed(logger, spec.JobId, node, S.Attempt);
        metrics.Preempted(placement.Pool, Telemetry.WpaiMetrics.ReclaimReason);
        return true;
    }

    public async Task<JobView> CancelAsync(string reason)
    {
        var spec = RequireSpec();
        var life = Life;
        if (life.IsTerminal)
        {
            return View();
        }

        var now = clock.GetUtcNow();
        var running = life.Running;
        if (running is not null)
        {
            await driver.StopAsync(spec.JobId, running, JobLifecycle.CancelReason(reason));
        }
        else
        {
            foreach (var pool in S.Pools)
            {
                _ = GrainFactory.GetGrain<IPoolSchedulerGrain>(pool).RemoveAsync(spec.JobId);
            }
        }

        life.Cancel(running, reason, now);
        if (running is null)
        {
            await state.WriteStateAsync();
        }
        else
        {
            await ReleaseAfterWriteAsync(spec, running, JobStatus.Cancelled, now);
        }

        return View();
    }

    public Task ReportUsageAsync(ImmutableArray<UsageSample> samples)
    {
        Life.AddUsage(samples);
        return Task.CompletedTask;
    }

    public Task ReportRunUsageAsync(RunUsageReport report)
    {
        Life.AddUsage(report);
        return Task.CompletedTask;
    }

    public async Task<JobView> CompleteAsync(int attempt, bool succeeded, string detail)
    {
        var spec = RequireSpec();
        var life = Life;
        if (!life.IsCurrentRun(attempt) || life.Running is not { } placement)
        {
            await SettleOwedReleaseAsync(spec);
            return View();
        }

        var now = clock.GetUtcNow();
        var status = life.Complete(placement, succeeded, detail, now);
        await ReleaseAfterWriteAsync(spec, placement, status, now);
        return View();
    }

    public async Task RunStartedAsync(RunStarted started)
    {
        if (Life.RunStarted(started))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RunEndedAsync(RunEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (S.Spec is not { } spec)
        {
            return;
        }

        var life = Life;
        if (!life.IsCurrentRun(end.Attempt) || life.Running is not { } placement)
        {
            // An older attempt (stopped by a preemption, cancel or reclaim): record how it actually ended.
            if (life.CloseOlderRun(end))
            {
                await state.WriteStateAsync();
            }

            return;
        }

        var now = clock.GetUtcNow();
        var plan = life.PlanRunEnd(spec, placement, end);
        if (plan.Requeue)
        {
            // Queued first, as a reclaim is.
            await GrainFactory.GetGrain<IPoolSchedulerGrain>(life.RequeuePool(placement)).EnqueueAsync(life.NextEntry(spec, now));
        }

        life.EndRun(placement, end, plan, now);
        await ReleaseAfterWriteAsync(spec, placement, plan.RunStatus, now);
        LogRunEnded(logger, spec.JobId, end.Attempt, plan.Detail);
    }

    /// <summary>
    /// The one write of a transition away from Running (the new state together with the release it owes, the commit
    /// point), then the release itself.
    /// </summary>
    private async Task ReleaseAfterWriteAsync(JobSpec spec, Placement placement, JobStatus status, DateTimeOffset now)
    {
        Life.BeginRelease(placement, now);
        _releaseSettled = false;
        await state.WriteStateAsync();
        await ReleaseAsync(spec, placement, status, now);
    }

    /// <summary>Carries out an owed release that failed part-way in this activation (each release call is idempotent).</summary>
    private async Task SettleOwedReleaseAsync(JobSpec spec)
    {
        if (!_releaseSettled && Life.OwedRelease is { } owed)
        {
            await ReleaseAsync(spec, owed.Placement, owed.Status, owed.At, owed.NodeAndPool);
        }
    }

    private async Task ReleaseAsync(JobSpec spec, Placement placement, JobStatus status, DateTimeOffset now, bool nodeAndPool = true)
    {
        await JobRelease.RunAsync(GrainFactory, spec, placement, Life.Outcome(spec, placement, status, now), nodeAndPool);
        _releaseSettled = true;
    }

    private IDepartmentGrain Department(JobSpec spec) => GrainFactory.GetGrain<IDepartmentGrain>(spec.Department);

    private JobSpec RequireSpec() => S.Spec ?? throw new WpaiNotFoundException("job", this.GetPrimaryKeyString());

    private JobView View() => Life.View(RequireSpec(), clock.GetUtcNow());
}
