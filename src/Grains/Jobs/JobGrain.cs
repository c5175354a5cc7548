using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Ports;
using WPAI.Domain.Jobs;
using WPAI.Domain.Scheduling;
using WPAI.Grains.Scheduling;
using WPAI.Grains.Security;

namespace WPAI.Grains.Jobs;

/// <summary>
/// A training job and its state machine: Pending → Running → Succeeded / Failed / Cancelled, Running → Preempted →
/// Pending. <see cref="TryStartAsync"/> admits at most one placement per attempt, so a job never runs twice. The
/// transitions are <see cref="JobLifecycle"/>'s (pure); the order of writes and ledger calls around them is
/// <see cref="JobCommit"/>'s; this grain calls the driver and the other grains in between.
/// </summary>
[GrainType("wpai-job")]
[Fleet.PoolAffinityPlacement]
public sealed partial class JobGrain(
    [PersistentState("job", WpaiCluster.StorageProvider)] IPersistentState<JobState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<SchedulingOptions> options,
    IClusterDriver driver,
    PoolOutbox outbox,
    Departments.KnownDepartments departments,
    Fleet.JobIndexAppends index,
    Telemetry.WpaiMetrics metrics,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IDepartmentOwned
{
    private JobCommit? _commit;

    private JobState S => state.State;

    private JobLifecycle Life => new(state.State, options.Value);

    private JobCommit Commit => _commit ??= new JobCommit(state, GrainFactory, outbox, departments, index, options.Value);

    /// <inheritdoc />
    public string? OwningDepartment => S.Spec?.Department;

    /// <summary>Completes what a crash after this job's last write can leave undone (<see cref="JobCommit.RecoverAsync"/>).</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => Commit.RecoverAsync(cancellationToken);

    public async Task<SubmitResult> SubmitAsync(JobSpec spec)
    {
        RequestContext.Remove(WpaiCluster.PoolKey); // a placement hint for this activation only: the calls below do not carry it
        if (JobSubmission.IsRepeat(spec, this.GetPrimaryKeyString(), S.Spec))
        {
            return new SubmitResult(View(), false);
        }

        if (await Commit.SubmitAsync(spec, clock))
        {
            metrics.RightSized(spec.Department);
        }

        return new SubmitResult(View(), true);
    }

    public Task<JobView> GetAsync() => Task.FromResult(View());

    public async Task<bool> TryStartAsync(Placement placement, bool offeredOnward)
    {
        var life = Life;
        if (life.IsRepeatedOffer(placement) && S.Spec is { } started && life.Running is { } current)
        {
            // A repeated offer of this attempt: the scheduler lost the answer to an earlier one (a silo died in between).
            // Heal the department ledger (idempotent), and confirm only the placement the job actually holds.
            await Commit.RecordRunningAsync(started, current);
            await driver.StartAsync(life.RunSpec(started), current); // idempotent per attempt
            return life.Holds(placement);
        }

        if (S.Spec is not { } spec || !life.Start(placement, clock.GetUtcNow()))
        {
            return false;
        }

        var running = await Commit.RecordStartAsync(spec, placement, offeredOnward);
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
        await Commit.ReleaseAfterWriteAsync(spec, placement, JobStatus.Preempted, now);
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
        await Commit.RequeueAsync(spec, placement, now);
        await driver.StopAsync(spec.JobId, placement, JobLifecycle.ReclaimReason(node, reason));
        life.Reclaim(placement, reason, now);
        await Commit.ReleaseAfterWriteAsync(spec, placement, JobStatus.Preempted, now);
        LogReclaimed(logger, spec.JobId, node, S.Attempt);
        metrics.Preempted(placement.Pool, Telemetry.WpaiMetrics.ReclaimReason);
        return true;
    }

    public Task<DateTimeOffset?> WarnReclaimAsync(string node, string reason) => Commit.WarnReclaimAsync(Life, node, reason, clock.GetUtcNow());

    public async Task<JobView> CancelAsync(string reason)
    {
        var spec = RequireSpec();
        if (!Life.IsTerminal)
        {
            await Commit.CancelAsync(spec, driver, reason, clock.GetUtcNow());
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
            await Commit.SettleOwedReleaseAsync(spec);
            return View();
        }

        var now = clock.GetUtcNow();
        var status = life.Complete(placement, succeeded, detail, now);
        await Commit.ReleaseAfterWriteAsync(spec, placement, status, now);
        return View();
    }

    public Task<JobView> CompleteWithUsageAsync(int attempt, bool succeeded, string detail, ImmutableArray<UsageSample> samples)
    {
        Life.AddUsage(samples);
        return CompleteAsync(attempt, succeeded, detail);
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
            await Commit.RequeueAsync(spec, placement, now); // queued first, as a reclaim is
        }

        life.EndRun(placement, end, plan, now);
        await Commit.ReleaseAfterWriteAsync(spec, placement, plan.RunStatus, now);
        LogRunEnded(logger, spec.JobId, end.Attempt, plan.Detail);
    }

    private JobSpec RequireSpec() => S.Spec ?? throw new WpaiNotFoundException("job", this.GetPrimaryKeyString());

    private JobView View() => Life.View(RequireSpec(), clock.GetUtcNow());
}
