using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Ports;
using WPAI.Domain.Jobs;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;
using WPAI.Domain.Validation;
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
    private const int MaxHistory = 50;
    private const int MaxSamples = 10;

    /// <summary>
    /// In memory: the owed release (<see cref="JobState.Releasing"/>) was carried out in this activation. A fresh
    /// activation settles it in <see cref="OnActivateAsync"/>; a repeated completion settles it when an earlier try
    /// failed part-way (the driver retries until this succeeds, so a run never keeps its GPUs after it ended).
    /// </summary>
    private bool _releaseSettled = true;

    private JobState S => state.State;

    /// <inheritdoc />
    public string? OwningDepartment => S.Spec?.Department;

    /// <summary>
    /// Completes what a crash after this job's last write can leave undone (the write is the commit point; the ledger
    /// calls after it are idempotent): a running job is (again) in its department's ledger; an owed release
    /// (<see cref="JobState.Releasing"/>) is carried out again, then cleared; a finished job is not in the ledger.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is not { } spec)
        {
            return;
        }

        var department = GrainFactory.GetGrain<IDepartmentGrain>(spec.Department);
        if (S.Status == JobStatus.Running && S.Placement is { } p)
        {
            await department.RecordStartAsync(new RunningAllocation(spec.JobId, p.Pool, p.Node, p.Resources, p.Tier, p.StartedAt));
        }
        else if (S.Releasing is { } owed)
        {
            // A re-queued job may already hold a reservation for its next attempt: only its department record is owed
            // (a reservation left on the old node is released by the scheduler's reconciliation, which knows the attempt).
            await ReleaseAsync(spec, owed, IsTerminal(S.Status) ? S.Status : JobStatus.Preempted, S.ReleasedAt, nodeAndPool: IsTerminal(S.Status));
            S.Releasing = null;
            await state.WriteStateAsync(cancellationToken);
        }
        else if (IsTerminal(S.Status) && S.Placement is { } last)
        {
            await department.RecordEndAsync(new JobOutcome(spec.JobId, last.Pool, S.Status, last.Resources.Gpus, S.EffectiveGpuUtilization, TimeSpan.Zero, last.StartedAt));
        }
    }

    public async Task<SubmitResult> SubmitAsync(JobSpec spec)
    {
        Validate.Job(spec);
        var key = this.GetPrimaryKeyString();
        if (!string.Equals(spec.JobId, key, StringComparison.Ordinal))
        {
            throw new WpaiValidationException("spec.jobId", $"'{spec.JobId}' does not match the job grain key '{key}'", "Submit a job under its own id.");
        }

        if (S.Spec is { } existing)
        {
            // The same spec again is idempotent (a retried submit); another spec under the same id is refused.
            var differing = SpecDifferences.Of(existing, spec);
            return differing.Count == 0
                ? new SubmitResult(View(), false)
                : throw new WpaiValidationException(
                    "spec.jobId",
                    $"job '{key}' already exists with a different spec ({string.Join(", ", differing.Select(FieldNames.OfSpecProperty))} differ)",
                    "Submit it under a new id, or repeat the identical spec (that returns the existing job)");
        }

        var opts = options.Value;
        var context = await GrainFactory.GetGrain<IDepartmentGrain>(spec.Department).GetSubmitContextAsync(spec.Template);
        JobSubmission.EnsureDepartment(spec, context);
        var (requested, sizing) = JobSubmission.Size(spec, context, opts);
        var longRunning = JobSubmission.IsLongRunning(spec, opts);
        var candidates = JobSubmission.Candidates(spec, opts);
        var now = clock.GetUtcNow();
        ImmutableArray<string> pools;
        if (candidates.Length == 1)
        {
            // One acceptable model: the enqueue itself checks the pool, and queues nothing when it says no.
            pools = candidates;
            var check = await GrainFactory.GetGrain<IPoolSchedulerGrain>(pools[0]).EnqueueAsync(JobSubmission.FirstEntry(spec, requested, pools, now, longRunning));
            JobSubmission.EnsureUsable(candidates, [check], requested);
        }
        else
        {
            var checks = await Task.WhenAll(candidates.Select(p => GrainFactory.GetGrain<IPoolSchedulerGrain>(p).CheckAsync(requested, longRunning)));
            JobSubmission.EnsureUsable(candidates, checks, requested);
            pools = candidates.Where((_, i) => checks[i].Fits).ToImmutableArray();
            JobSubmission.EnsureUsable([pools[0]], [await GrainFactory.GetGrain<IPoolSchedulerGrain>(pools[0]).EnqueueAsync(JobSubmission.FirstEntry(spec, requested, pools, now, longRunning))], requested);
        }

        // Queued first, recorded now: a crash in between leaves a queue entry for a job that does not exist (the
        // scheduler drops it when TryStart says no) and an unacknowledged submit that the caller retries.

        S.Spec = spec;
        S.Status = JobStatus.Pending;
        S.Requested = requested;
        S.SubmittedAt = now;
        S.QueuedAt = now;
        S.Attempt = 1;
        S.Pools = pools;
        AddEvent(now, "submitted", $"queued in pool {pools[0]} for {requested}");
        if (sizing is not null)
        {
            AddEvent(now, "right-sized", sizing);
        }

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
        if (S.Spec is { } started && S.Status == JobStatus.Running && S.Placement is { } current && placement.Attempt == S.Attempt)
        {
            // A repeated offer of this attempt: the scheduler lost the answer to an earlier one (a silo died in between).
            // Heal the department ledger (idempotent), and confirm only the placement the job actually holds.
            await GrainFactory.GetGrain<IDepartmentGrain>(started.Department).RecordStartAsync(
                new RunningAllocation(started.JobId, current.Pool, current.Node, current.Resources, current.Tier, current.StartedAt));
            await driver.StartAsync(started with { Gpus = S.Requested.Gpus, CpuMilli = S.Requested.CpuMilli }, current); // idempotent per attempt
            return string.Equals(current.Node, placement.Node, StringComparison.Ordinal)
                && string.Equals(current.Pool, placement.Pool, StringComparison.Ordinal);
        }

        if (S.Spec is not { } spec || S.Status != JobStatus.Pending || placement.Attempt != S.Attempt)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        S.Status = JobStatus.Running;
        S.Placement = placement with { StartedAt = now };
        S.Releasing = null;
        S.WaitedBefore += Positive(now - S.QueuedAt);
        S.GpuSamples.Clear();
        S.PeakGpuMemory = 0;
        S.CpuSum = 0;
        S.CpuCount = 0;
        S.CpuPeak = 0;
        RunLog.Open(S.Runs, placement.Attempt, placement.Node, now);
        AddEvent(now, "placed", $"on {placement.Node} in pool {placement.Pool} ({placement.Tier} tier), attempt {placement.Attempt}");
        await state.WriteStateAsync();

        await GrainFactory.GetGrain<IDepartmentGrain>(spec.Department).RecordStartAsync(
            new RunningAllocation(spec.JobId, placement.Pool, placement.Node, placement.Resources, placement.Tier, now));
        foreach (var pool in S.Pools.Where(p => !string.Equals(p, placement.Pool, StringComparison.Ordinal)))
        {
            _ = GrainFactory.GetGrain<IPoolSchedulerGrain>(pool).RemoveAsync(spec.JobId);
        }

        await driver.StartAsync(spec with { Gpus = S.Requested.Gpus, CpuMilli = S.Requested.CpuMilli }, S.Placement);
        LogStarted(logger, spec.JobId, placement.Node, placement.Tier, placement.Attempt);
        return true;
    }

    public async Task<QueueEntry?> PreemptAsync(string preemptorJobId, string reason)
    {
        if (S.Spec is not { } spec || S.Status != JobStatus.Running || S.Placement is not { } placement)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var stopReason = $"preempted by {preemptorJobId}: {reason}";
        await driver.StopAsync(spec.JobId, placement, stopReason);
        CloseRun(placement, now, stopReason, preemptorJobId);
        S.Status = JobStatus.Pending;
        S.Placement = null;
        S.PreemptedBy = preemptorJobId;
        S.ReclaimedFrom = null;
        S.Attempt++;
        S.QueuedAt = now;
        AddEvent(now, "preempted", $"by {preemptorJobId} on {placement.Node}: {reason}; re-queued keeping {S.WaitedBefore:g} of wait");
        await WriteReleasingAsync(placement, now);
        await ReleaseAsync(spec, placement, JobStatus.Preempted, now);
        LogPreempted(logger, spec.JobId, preemptorJobId, placement.Node);
        return Entry(spec, now);
    }

    public async Task<bool> ReclaimAsync(string node, string reason)
    {
        if (S.Spec is not { } spec || S.Status != JobStatus.Running || S.Placement is not { } placement
            || !string.Equals(placement.Node, node, StringComparison.Ordinal))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var next = Entry(spec, now) with { Attempt = S.Attempt + 1 };

        // Queued first: a crash before the kill is recorded leaves the job running on the draining node (the controller
        // kills it again on its next tick) and a queue entry the scheduler drops when TryStart refuses the attempt.
        await GrainFactory.GetGrain<IPoolSchedulerGrain>(S.Pools.IsDefaultOrEmpty ? placement.Pool : S.Pools[0]).EnqueueAsync(next);
        var stopReason = $"reclaimed: lent node {node} taken back ({reason})";
        await driver.StopAsync(spec.JobId, placement, stopReason);
        CloseRun(placement, now, stopReason);
        S.Status = JobStatus.Pending;
        S.Placement = null;
        S.PreemptedBy = null;
        S.ReclaimedFrom = node;
        S.Reclaims++;
        S.Attempt++;
        S.QueuedAt = now;
        AddEvent(now, "reclaimed", $"killed on lent node {node} ({reason}); re-queued keeping {S.WaitedBefore:g} of wait");
        await WriteReleasingAsync(placement, now);
        await ReleaseAsync(spec, placement, JobStatus.Preempted, now);
        LogReclaimed(logger, spec.JobId, node, S.Attempt);
        metrics.Preempted(placement.Pool, Telemetry.WpaiMetrics.ReclaimReason);
        return true;
    }

    public async Task<JobView> CancelAsync(string reason)
    {
        var spec = RequireSpec();
        if (IsTerminal(S.Status))
        {
            return View();
        }

        var now = clock.GetUtcNow();
        var running = S.Status == JobStatus.Running ? S.Placement : null;
        var stopReason = string.IsNullOrWhiteSpace(reason) ? "cancelled" : $"cancelled: {reason}";
        if (running is not null)
        {
            await driver.StopAsync(spec.JobId, running, stopReason);
            CloseRun(running, now, stopReason);
        }
        else
        {
            foreach (var pool in S.Pools)
            {
                _ = GrainFactory.GetGrain<IPoolSchedulerGrain>(pool).RemoveAsync(spec.JobId);
            }
        }

        S.Status = JobStatus.Cancelled;
        S.Outcome = stopReason;
        AddEvent(now, "cancelled", reason);
        if (running is null)
        {
            await state.WriteStateAsync();
            return View();
        }

        await WriteReleasingAsync(running, now);
        await ReleaseAsync(spec, running, JobStatus.Cancelled, now);
        return View();
    }

    public Task ReportUsageAsync(ImmutableArray<UsageSample> samples)
    {
        if (S.Status != JobStatus.Running || samples.IsDefault)
        {
            return Task.CompletedTask;
        }

        foreach (var sample in samples)
        {
            S.CpuSum += sample.CpuUsedMilli;
            S.CpuCount++;
            S.CpuPeak = Math.Max(S.CpuPeak, sample.CpuUsedMilli);
            if (double.IsNaN(sample.GpuUtilization))
            {
                continue; // GPU not measured (no nvidia-smi on the node): no GPU sample rather than a false zero
            }

            S.GpuSamples.Add(Math.Clamp(sample.GpuUtilization, 0, 1));
            if (S.GpuSamples.Count > MaxSamples)
            {
                S.GpuSamples.RemoveAt(0);
            }

            S.PeakGpuMemory = Math.Max(S.PeakGpuMemory, Math.Clamp(sample.GpuMemoryFraction, 0, 1));
        }

        return Task.CompletedTask;
    }

    public async Task<JobView> CompleteAsync(int attempt, bool succeeded, string detail)
    {
        var spec = RequireSpec();
        if (S.Status != JobStatus.Running || attempt != S.Attempt || S.Placement is not { } placement)
        {
            await SettleOwedReleaseAsync(spec);
            return View();
        }

        var now = clock.GetUtcNow();
        var status = succeeded ? JobStatus.Succeeded : JobStatus.Failed;
        CloseRun(placement, now, status.ToString().ToLowerInvariant());
        S.Status = status;
        S.Outcome = string.IsNullOrWhiteSpace(detail) ? status.ToString().ToLowerInvariant() : detail;
        AddEvent(now, status == JobStatus.Succeeded ? "succeeded" : "failed", detail);
        await WriteReleasingAsync(placement, now);
        await ReleaseAsync(spec, placement, status, now);
        return View();
    }

    public Task ReportRunUsageAsync(RunUsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Attempt == S.Attempt ? ReportUsageAsync(report.Samples) : Task.CompletedTask;
    }

    public async Task RunStartedAsync(RunStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (S.Spec is null || !S.Runs.Any(r => r.Attempt == started.Attempt && r.Pid is null))
        {
            return;
        }

        RunLog.Started(S.Runs, started);
        AddEvent(started.At, "started", $"attempt {started.Attempt}: process {started.Pid} on GPUs [{string.Join(',', started.GpuIndices)}], log {started.LogFile}");
        await state.WriteStateAsync();
    }

    public async Task RunEndedAsync(RunEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (S.Spec is not { } spec)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (S.Status != JobStatus.Running || end.Attempt != S.Attempt || S.Placement is not { } placement)
        {
            // An older attempt (stopped by a preemption, cancel or reclaim): record how it actually ended.
            if (S.Runs.Any(r => r.Attempt == end.Attempt))
            {
                RunLog.Close(S.Runs, end.Attempt, end.At, RunLog.Describe(end), end.ExitCode, end.Signal);
                await state.WriteStateAsync();
            }

            return;
        }

        var words = RunLog.Describe(end);
        if (end.Succeeded)
        {
            await FinishAsync(spec, placement, JobStatus.Succeeded, now, "completed (exit code 0)", end);
        }
        else if (end.Lost)
        {
            S.LostRuns++;
            await RequeueAsync(spec, placement, JobStatus.Preempted, now, end, "lost", $"attempt {end.Attempt} on {placement.Node} {words}; re-queued keeping {S.WaitedBefore:g} of wait");
        }
        else if (S.Retries < spec.MaxRetries)
        {
            S.Retries++;
            await RequeueAsync(spec, placement, JobStatus.Failed, now, end, "retrying", $"attempt {end.Attempt} failed ({words}); retry {S.Retries} of {spec.MaxRetries}");
        }
        else
        {
            await FinishAsync(spec, placement, JobStatus.Failed, now, $"failed: {words}", end);
        }
    }

    private async Task FinishAsync(JobSpec spec, Placement placement, JobStatus status, DateTimeOffset now, string outcome, RunEnd end)
    {
        CloseRun(placement, now, RunLog.Describe(end), end: end);
        S.Status = status;
        S.Outcome = outcome;
        AddEvent(now, status == JobStatus.Succeeded ? "succeeded" : "failed", outcome);
        await WriteReleasingAsync(placement, now);
        await ReleaseAsync(spec, placement, status, now);
        LogRunEnded(logger, spec.JobId, end.Attempt, outcome);
    }

    /// <summary>Puts the job back in its queue for its next attempt (queued first, as a reclaim does), keeping its wait.</summary>
    private async Task RequeueAsync(JobSpec spec, Placement placement, JobStatus runStatus, DateTimeOffset now, RunEnd end, string kind, string detail)
    {
        var next = Entry(spec, now) with { Attempt = S.Attempt + 1 };
        await GrainFactory.GetGrain<IPoolSchedulerGrain>(S.Pools.IsDefaultOrEmpty ? placement.Pool : S.Pools[0]).EnqueueAsync(next);
        CloseRun(placement, now, RunLog.Describe(end), end: end);
        S.Status = JobStatus.Pending;
        S.Placement = null;
        S.PreemptedBy = null;
        S.ReclaimedFrom = null;
        S.Attempt++;
        S.QueuedAt = now;
        AddEvent(now, kind, detail);
        await WriteReleasingAsync(placement, now);
        await ReleaseAsync(spec, placement, runStatus, now);
        LogRunEnded(logger, spec.JobId, end.Attempt, detail);
    }

    /// <summary>Closes the run's record (in memory; the transition's one write persists it).</summary>
    private void CloseRun(Placement placement, DateTimeOffset now, string how, string? preemptor = null, RunEnd? end = null)
    {
        double? cpuAverage = S.CpuCount == 0 ? null : S.CpuSum / S.CpuCount;
        RunLog.Close(S.Runs, placement.Attempt, now, how, end?.ExitCode, end?.Signal, preemptor, cpuAverage, S.CpuCount == 0 ? null : S.CpuPeak);
    }

    /// <summary>
    /// The one write of a transition away from Running: the new state together with the release it owes
    /// (<see cref="JobState.Releasing"/>), which <see cref="ReleaseAsync"/> carries out next.
    /// </summary>
    private Task WriteReleasingAsync(Placement placement, DateTimeOffset now)
    {
        S.EffectiveGpuUtilization = EffectiveUtilization.Compute(S.GpuSamples, S.PeakGpuMemory, options.Value);
        S.Releasing = placement;
        S.ReleasedAt = now;
        _releaseSettled = false;
        return state.WriteStateAsync();
    }

    /// <summary>Carries out an owed release that failed part-way in this activation (each release call is idempotent).</summary>
    private async Task SettleOwedReleaseAsync(JobSpec spec)
    {
        if (_releaseSettled || S.Releasing is not { } owed)
        {
            return;
        }

        await ReleaseAsync(spec, owed, IsTerminal(S.Status) ? S.Status : JobStatus.Preempted, S.ReleasedAt, nodeAndPool: IsTerminal(S.Status));
    }

    /// <summary>Releases a run's node allocation and takes it out of its department's and pool's ledgers (each idempotent).</summary>
    private async Task ReleaseAsync(JobSpec spec, Placement placement, JobStatus status, DateTimeOffset now, bool nodeAndPool = true)
    {
        if (nodeAndPool)
        {
            await GrainFactory.GetGrain<INodeGrain>(placement.Node).ReleaseAsync(spec.JobId);
        }

        var cpuAverage = S.CpuCount == 0 ? 0 : S.CpuSum / S.CpuCount;
        await GrainFactory.GetGrain<IDepartmentGrain>(spec.Department).RecordEndAsync(new JobOutcome(
            spec.JobId,
            placement.Pool,
            status,
            placement.Resources.Gpus,
            S.EffectiveGpuUtilization,
            Positive(now - placement.StartedAt),
            now,
            status == JobStatus.Succeeded ? spec.Template : null,
            cpuAverage,
            S.CpuPeak));
        if (nodeAndPool)
        {
            _ = GrainFactory.GetGrain<IPoolSchedulerGrain>(placement.Pool).JobEndedAsync(spec.JobId, S.EffectiveGpuUtilization);
        }

        _releaseSettled = true;
    }

    private QueueEntry Entry(JobSpec spec, DateTimeOffset now) =>
        new(spec.JobId, spec.Department, S.Requested, S.Pools, now, S.WaitedBefore, S.Attempt,
            JobSubmission.IsLongRunning(spec, options.Value), spec.Duration);

    private JobSpec RequireSpec() => S.Spec ?? throw new WpaiNotFoundException("job", this.GetPrimaryKeyString());

    private JobView View()
    {
        var spec = RequireSpec();
        var now = clock.GetUtcNow();
        var waited = S.Status == JobStatus.Pending ? S.WaitedBefore + Positive(now - S.QueuedAt) : S.WaitedBefore;
        return new JobView(spec, S.Status, S.Requested, S.Placement, S.SubmittedAt, waited, S.Attempt, S.PreemptedBy, Explain(), S.EffectiveGpuUtilization, [.. S.History], [.. S.Runs]);
    }

    private string Explain() => S.Status switch
    {
        JobStatus.Pending when S.PreemptedBy is not null =>
            $"pending (attempt {S.Attempt}): preempted by job {S.PreemptedBy}; waiting in pool {string.Join(" → ", S.Pools)}",
        JobStatus.Pending when S.ReclaimedFrom is not null =>
            $"pending (attempt {S.Attempt}): killed when lent node {S.ReclaimedFrom} was taken back for inference; waiting in pool {string.Join(" → ", S.Pools)}",
        JobStatus.Pending => $"pending: waiting in pool {string.Join(" → ", S.Pools)} for {S.Requested}",
        JobStatus.Running when S.Placement is { } p => $"running on {p.Node} in pool {p.Pool} ({p.Tier} tier) since {p.StartedAt:u}",
        _ => S.Outcome ?? S.Status.ToString().ToLowerInvariant(),
    };

    private void AddEvent(DateTimeOffset at, string kind, string detail)
    {
        S.History.Add(new JobEvent(at, kind, detail));
        if (S.History.Count > MaxHistory)
        {
            S.History.RemoveAt(0);
        }
    }

    private static bool IsTerminal(JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;

    private static TimeSpan Positive(TimeSpan value) => value > TimeSpan.Zero ? value : TimeSpan.Zero;
}
