using WPAI.Abstractions.Contracts.Agent;
using WPAI.Domain.Common;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Jobs;

/// <summary>
/// A training job's state machine over its <see cref="IJobRecord"/>: Pending → Running → Succeeded / Failed / Cancelled,
/// Running → Pending again when preempted, reclaimed, lost or retried. Each transition checks that it is legal (a job
/// starts only when pending and only for its current attempt, so it never runs twice), closes the run's record, keeps
/// the wait of earlier attempts and writes one history event. Pure: the job grain calls the other grains and the
/// driver around it and persists the record once per transition (docs/architecture.md, "Jobs").
/// </summary>
public sealed class JobLifecycle(IJobRecord record, SchedulingOptions options)
{
    /// <summary>History events kept per job (oldest dropped first).</summary>
    public const int MaxHistory = 50;

    private readonly IJobRecord _r = record ?? throw new ArgumentNullException(nameof(record));
    private readonly SchedulingOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The run a transition away from Running acts on: the current placement while running, else null.</summary>
    public Placement? Running => _r.Status == JobStatus.Running ? _r.Placement : null;

    /// <summary>Whether the job has ended (succeeded, failed or cancelled).</summary>
    public bool IsTerminal => IsTerminalStatus(_r.Status);

    public static bool IsTerminalStatus(JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>The spec the driver starts: the job's own, with the (possibly right-sized) request.</summary>
    public JobSpec RunSpec(JobSpec spec) => spec with { Gpus = _r.Requested.Gpus, CpuMilli = _r.Requested.CpuMilli };

    /// <summary>Records an accepted submit: pending in the first of <paramref name="pools"/>, attempt 1.</summary>
    public void Submit(JobSpec spec, Resources requested, string? sizing, ImmutableArray<string> pools, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_r.Spec is not null)
        {
            throw new InvalidOperationException($"job {spec.JobId} was already submitted");
        }

        _r.Spec = spec;
        _r.Status = JobStatus.Pending;
        _r.Requested = requested;
        _r.SubmittedAt = now;
        _r.QueuedAt = now;
        _r.Attempt = 1;
        _r.Pools = pools;
        AddEvent(now, "submitted", $"queued in pool {pools[0]} for {requested}");
        if (sizing is not null)
        {
            AddEvent(now, "right-sized", sizing);
        }
    }

    /// <summary>Whether <paramref name="placement"/> repeats the offer of the attempt the job is already running.</summary>
    public bool IsRepeatedOffer(Placement placement) =>
        _r.Spec is not null && Running is not null && placement.Attempt == _r.Attempt;

    /// <summary>Whether the job runs exactly where <paramref name="placement"/> says (same node and pool).</summary>
    public bool Holds(Placement placement) =>
        Running is { } current
        && string.Equals(current.Node, placement.Node, StringComparison.Ordinal)
        && string.Equals(current.Pool, placement.Pool, StringComparison.Ordinal);

    /// <summary>
    /// Starts the pending attempt <paramref name="placement"/> names; false (nothing changed) when the job is not pending
    /// or the offer is for another attempt. A new run starts with no usage measured.
    /// </summary>
    public bool Start(Placement placement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(placement);
        if (_r.Spec is null || _r.Status != JobStatus.Pending || placement.Attempt != _r.Attempt)
        {
            return false;
        }

        _r.Status = JobStatus.Running;
        _r.Placement = placement with { StartedAt = now };
        _r.Releasing = null;
        _r.WaitedBefore += Positive(now - _r.QueuedAt);
        _r.GpuSamples.Clear();
        SetTotals(UsageTotals.None);
        RunLog.Open(_r.Runs, placement.Attempt, placement.Node, now);
        AddEvent(now, "placed", $"on {placement.Node} in pool {placement.Pool} ({placement.Tier} tier), attempt {placement.Attempt}");
        return true;
    }

    /// <summary>The department's record of the current run.</summary>
    public RunningAllocation Allocation(JobSpec spec, Placement placement) =>
        new(spec.JobId, placement.Pool, placement.Node, placement.Resources, placement.Tier, placement.StartedAt);

    /// <summary>The pools the job was also queued in, besides the one it now runs in.</summary>
    public IEnumerable<string> OtherPools(Placement placement) =>
        _r.Pools.Where(p => !string.Equals(p, placement.Pool, StringComparison.Ordinal));

    /// <summary>
    /// The other pools that may still hold a queue entry of the job once it runs in <paramref name="placement"/>'s pool:
    /// an attempt enters a pool's queue first (its first pool, or the pool it was preempted in) and reaches a later pool of
    /// its list only when the pool before it offers it on, so the pools before the placing one may hold it, and the later
    /// ones only when the placing pool may have offered it on (<paramref name="offeredOnward"/>: true when that pool
    /// cannot tell). Every other pool when the placing pool is not in the job's list.
    /// </summary>
    public IEnumerable<string> PoolsThatMayHoldIt(Placement placement, bool offeredOnward)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var index = _r.Pools.IsDefaultOrEmpty ? -1 : _r.Pools.IndexOf(placement.Pool); // string equality is ordinal
        return index < 0 || offeredOnward ? OtherPools(placement) : _r.Pools.Take(index);
    }

    /// <summary>The pool a re-queued attempt waits in: its first acceptable pool.</summary>
    public string RequeuePool(Placement placement) => _r.Pools.IsDefaultOrEmpty ? placement.Pool : _r.Pools[0];

    /// <summary>The queue entry of the current attempt, keeping the wait of earlier ones.</summary>
    public QueueEntry Entry(JobSpec spec, DateTimeOffset now) =>
        new(spec.JobId, spec.Department, _r.Requested, _r.Pools, now, _r.WaitedBefore, _r.Attempt,
            JobSubmission.IsLongRunning(spec, _options), spec.Duration);

    /// <summary>The queue entry of the next attempt (queued before the current run is stopped).</summary>
    public QueueEntry NextEntry(JobSpec spec, DateTimeOffset now) => Entry(spec, now) with { Attempt = _r.Attempt + 1 };

    /// <summary>Stops the run (already stopped by the driver) because <paramref name="preemptor"/> needs its place.</summary>
    public void Preempt(Placement placement, string preemptor, string reason, DateTimeOffset now)
    {
        CloseRun(placement, now, PreemptReason(preemptor, reason), preemptor);
        Requeue(now, preemptedBy: preemptor, reclaimedFrom: null);
        AddEvent(now, "preempted", $"by {preemptor} on {placement.Node}: {reason}; re-queued keeping {_r.WaitedBefore:g} of wait");
    }

    /// <summary>The words the driver is given when a preemption stops the run.</summary>
    public static string PreemptReason(string preemptor, string reason) => $"preempted by {preemptor}: {reason}";

    /// <summary>Whether the job runs on <paramref name="node"/> (a reclaim of another node does not concern it).</summary>
    public bool RunsOn(string node) =>
        _r.Spec is not null && Running is { } p && string.Equals(p.Node, node, StringComparison.Ordinal);

    /// <summary>The history event of a reclaim warning.</summary>
    public const string ReclaimWarningEvent = "reclaim-warning";

    /// <summary>The grace a checkpointable job gets after a reclaim warning when its spec names none.</summary>
    public static readonly TimeSpan DefaultCheckpointGrace = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Warns a checkpointable job running on <paramref name="node"/> that the node is being taken back: records one
    /// <see cref="ReclaimWarningEvent"/> per run and returns the earliest time the run may be killed (the warning plus the
    /// job's checkpoint grace), and whether the record changed. Null (unchanged) when the job is not checkpointable or
    /// does not run on that node; a job warned before keeps its first warning's time.
    /// </summary>
    public (DateTimeOffset? KillNotBefore, bool Changed) WarnReclaim(string node, string reason, DateTimeOffset now)
    {
        if (_r.Spec is not { Checkpointable: true } spec || !RunsOn(node) || Running is not { } run)
        {
            return (null, false);
        }

        var grace = spec.CheckpointGrace ?? DefaultCheckpointGrace;
        if (_r.History.LastOrDefault(e => e.Kind == ReclaimWarningEvent && e.At >= run.StartedAt) is { } warned)
        {
            return (warned.At + grace, false);
        }

        AddEvent(now, ReclaimWarningEvent, $"lent node {node} is being taken back ({reason}): save a checkpoint; the run may be killed from {now + grace:u} on");
        return (now + grace, true);
    }

    /// <summary>The words the driver is given when a reclaim of a lent node stops the run.</summary>
    public static string ReclaimReason(string node, string reason) => $"reclaimed: lent node {node} taken back ({reason})";

    /// <summary>Stops the run (already stopped by the driver) because its lent node is taken back; the next attempt is queued.</summary>
    public void Reclaim(Placement placement, string reason, DateTimeOffset now)
    {
        CloseRun(placement, now, ReclaimReason(placement.Node, reason));
        _r.Reclaims++;
        Requeue(now, preemptedBy: null, reclaimedFrom: placement.Node);
        AddEvent(now, "reclaimed", $"killed on lent node {placement.Node} ({reason}); re-queued keeping {_r.WaitedBefore:g} of wait");
    }

    /// <summary>The words for a cancel with <paramref name="reason"/>.</summary>
    public static string CancelReason(string reason) => string.IsNullOrWhiteSpace(reason) ? "cancelled" : $"cancelled: {reason}";

    /// <summary>Cancels the job; <paramref name="running"/> is the run the driver stopped (null when it was waiting).</summary>
    public void Cancel(Placement? running, string reason, DateTimeOffset now)
    {
        var stopReason = CancelReason(reason);
        if (running is not null)
        {
            CloseRun(running, now, stopReason);
        }

        _r.Status = JobStatus.Cancelled;
        _r.Outcome = stopReason;
        AddEvent(now, "cancelled", reason);
    }

    /// <summary>Ends the job as its driver reported (a completion without a process record).</summary>
    public JobStatus Complete(Placement placement, bool succeeded, string detail, DateTimeOffset now)
    {
        var status = succeeded ? JobStatus.Succeeded : JobStatus.Failed;
        var words = status.ToString().ToLowerInvariant();
        CloseRun(placement, now, words);
        _r.Status = status;
        _r.Outcome = string.IsNullOrWhiteSpace(detail) ? words : detail;
        AddEvent(now, status == JobStatus.Succeeded ? "succeeded" : "failed", detail);
        return status;
    }

    /// <summary>Whether a completion report is for the current run (an older attempt's or a finished job's is not).</summary>
    public bool IsCurrentRun(int attempt) => Running is not null && attempt == _r.Attempt;

    /// <summary>
    /// What the end of the current run means: success finishes the job; a run lost with its node or agent is queued
    /// again; a failure is retried while retries are left, else it fails the job.
    /// </summary>
    public RunEndPlan PlanRunEnd(JobSpec spec, Placement placement, RunEnd end)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(end);
        var words = RunLog.Describe(end);
        return end.Succeeded ? new RunEndPlan(false, JobStatus.Succeeded, "succeeded", "completed (exit code 0)")
            : end.Lost ? new RunEndPlan(true, JobStatus.Preempted, "lost", $"attempt {end.Attempt} on {placement.Node} {words}; re-queued keeping {_r.WaitedBefore:g} of wait")
            : _r.Retries < spec.MaxRetries ? new RunEndPlan(true, JobStatus.Failed, "retrying", $"attempt {end.Attempt} failed ({words}); retry {_r.Retries + 1} of {spec.MaxRetries}")
            : new RunEndPlan(false, JobStatus.Failed, "failed", $"failed: {words}");
    }

    /// <summary>Applies <paramref name="plan"/> to the current run (the next attempt, if any, is already queued).</summary>
    public void EndRun(Placement placement, RunEnd end, RunEndPlan plan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentNullException.ThrowIfNull(plan);
        CloseRun(placement, now, RunLog.Describe(end), end: end);
        if (plan.Requeue)
        {
            if (end.Lost)
            {
                _r.LostRuns++;
            }
            else
            {
                _r.Retries++;
            }

            Requeue(now, preemptedBy: null, reclaimedFrom: null);
        }
        else
        {
            _r.Status = plan.RunStatus;
            _r.Outcome = plan.Detail;
        }

        AddEvent(now, plan.Kind, plan.Detail);
    }

    /// <summary>Records the end of an older attempt (stopped by a preemption, cancel or reclaim); false when unknown.</summary>
    public bool CloseOlderRun(RunEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (!_r.Runs.Any(r => r.Attempt == end.Attempt))
        {
            return false;
        }

        RunLog.Close(_r.Runs, end.Attempt, end.At, RunLog.Describe(end), end.ExitCode, end.Signal);
        return true;
    }

    /// <summary>Records the process of an attempt that was placed and has no process yet; false when nothing changed.</summary>
    public bool RunStarted(RunStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (_r.Spec is null || !_r.Runs.Any(r => r.Attempt == started.Attempt && r.Pid is null))
        {
            return false;
        }

        RunLog.Started(_r.Runs, started);
        AddEvent(started.At, "started", $"attempt {started.Attempt}: process {started.Pid} on GPUs [{string.Join(',', started.GpuIndices)}], log {started.LogFile}");
        return true;
    }

    /// <summary>Adds usage samples of the current run (none while not running).</summary>
    public void AddUsage(ImmutableArray<UsageSample> samples)
    {
        if (_r.Status != JobStatus.Running || samples.IsDefault)
        {
            return;
        }

        SetTotals(JobUsage.Add(_r.GpuSamples, Totals, samples));
        UsageTimeline.Add(_r.Usage, _r.Attempt, samples);
    }

    /// <summary>Adds a run's usage report when it is for the current attempt.</summary>
    public void AddUsage(RunUsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Attempt == _r.Attempt)
        {
            AddUsage(report.Samples);
        }
    }

    /// <summary>
    /// Marks the release of <paramref name="placement"/> as owed, in the same write as the transition away from Running
    /// (the commit point): the effective GPU utilization of the run is fixed now.
    /// </summary>
    public void BeginRelease(Placement placement, DateTimeOffset now)
    {
        _r.EffectiveGpuUtilization = EffectiveUtilization.Compute(_r.GpuSamples, _r.PeakGpuMemory, _options);
        _r.Releasing = placement;
        _r.ReleasedAt = now;
    }

    /// <summary>The owed release and how the run it releases ended (null when nothing is owed).</summary>
    public (Placement Placement, JobStatus Status, DateTimeOffset At, bool NodeAndPool)? OwedRelease =>
        _r.Releasing is { } owed
            ? (owed, IsTerminal ? _r.Status : JobStatus.Preempted, _r.ReleasedAt, IsTerminal)
            : null;

    /// <summary>What the department ledger records when a run ends.</summary>
    public JobOutcome Outcome(JobSpec spec, Placement placement, JobStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var totals = Totals;
        return new JobOutcome(
            spec.JobId, placement.Pool, status, placement.Resources.Gpus, _r.EffectiveGpuUtilization, Positive(now - placement.StartedAt), now,
            status == JobStatus.Succeeded ? spec.Template : null, totals.CpuAverage ?? 0, totals.CpuPeak);
    }

    /// <summary>What the department ledger records again for a job that ended (it must not count as running).</summary>
    public JobOutcome FinishedOutcome(JobSpec spec, Placement last)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new JobOutcome(spec.JobId, last.Pool, _r.Status, last.Resources.Gpus, _r.EffectiveGpuUtilization, TimeSpan.Zero, last.StartedAt);
    }

    /// <summary>The view callers see: waited time counts the current wait while pending.</summary>
    public JobView View(JobSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var waited = _r.Status == JobStatus.Pending ? _r.WaitedBefore + Positive(now - _r.QueuedAt) : _r.WaitedBefore;
        var explanation = JobExplanation.Explain(_r.Status, _r.Attempt, _r.PreemptedBy, _r.ReclaimedFrom, _r.Pools, _r.Requested, _r.Placement, _r.Outcome);
        return new JobView(spec, _r.Status, _r.Requested, _r.Placement, _r.SubmittedAt, waited, _r.Attempt, _r.PreemptedBy, explanation,
            _r.EffectiveGpuUtilization, [.. _r.History], [.. _r.Runs], [.. _r.Usage]);
    }

    private UsageTotals Totals => new(_r.CpuSum, _r.CpuCount, _r.CpuPeak, _r.PeakGpuMemory);

    private void SetTotals(UsageTotals totals) =>
        (_r.CpuSum, _r.CpuCount, _r.CpuPeak, _r.PeakGpuMemory) = (totals.CpuSum, totals.CpuCount, totals.CpuPeak, totals.PeakGpuMemory);

    /// <summary>Back to Pending for the next attempt, keeping the wait of earlier ones.</summary>
    private void Requeue(DateTimeOffset now, string? preemptedBy, string? reclaimedFrom)
    {
        _r.Status = JobStatus.Pending;
        _r.Placement = null;
        _r.PreemptedBy = preemptedBy;
        _r.ReclaimedFrom = reclaimedFrom;
        _r.Attempt++;
        _r.QueuedAt = now;
    }

    private void CloseRun(Placement placement, DateTimeOffset now, string how, string? preemptor = null, RunEnd? end = null)
    {
        var totals = Totals;
        RunLog.Close(_r.Runs, placement.Attempt, now, how, end?.ExitCode, end?.Signal, preemptor, totals.CpuAverage, totals.CpuPeakOrNull);
    }

    private void AddEvent(DateTimeOffset at, string kind, string detail) =>
        BoundedList.AddNewestLast(_r.History, new JobEvent(at, kind, detail), MaxHistory);

    private static TimeSpan Positive(TimeSpan value) => value > TimeSpan.Zero ? value : TimeSpan.Zero;
}
