using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Grains;

/// <summary>One training job (key: job id) and its state machine.</summary>
[Alias("wpai.IJobGrain")]
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Validates, records and queues the job. Submitting the same id again returns the existing job.</summary>
    [Alias("Submit")]
    Task<SubmitResult> SubmitAsync(JobSpec spec);

    /// <summary>The job; throws <see cref="Errors.WpaiNotFoundException"/> when it was never submitted.</summary>
    [Alias("Get")]
    Task<JobView> GetAsync();

    [Alias("Cancel")]
    Task<JobView> CancelAsync(string reason);

    /// <summary>
    /// Called by a pool scheduler after the node admitted the allocation. Returns false (and the caller releases
    /// the node) when the job is no longer pending or this offer is stale. A job that starts drops its queue entries
    /// from the other pools that may hold one: the pools before the placing one in its list, and the later ones only
    /// when <paramref name="offeredOnward"/> (the placing pool may have offered the job on to its next pool; true when
    /// it cannot tell).
    /// </summary>
    [Alias("TryStart")]
    Task<bool> TryStartAsync(Placement placement, bool offeredOnward);

    /// <summary>
    /// Evicts the running job; it becomes pending again keeping its wait time. Returns the queue entry of its next
    /// attempt for the evicting scheduler to re-queue (null when the job was not running).
    /// </summary>
    [Alias("Preempt")]
    Task<QueueEntry?> PreemptAsync(string preemptorJobId, string reason);

    /// <summary>
    /// Kills the run because its lent node <paramref name="node"/> is taken back by the pool's mixing controller: the
    /// job becomes pending again keeping its wait time, records a <c>reclaimed</c> event, and re-queues itself in the
    /// pool it ran in. Returns false (changing nothing) when the job is not running on that node.
    /// </summary>
    [Alias("Reclaim")]
    Task<bool> ReclaimAsync(string node, string reason);

    /// <summary>
    /// Warns a checkpointable job that its lent node <paramref name="node"/> is being taken back (a <c>reclaim-warning</c>
    /// event in its history, once per run) and returns the earliest time the run may be killed (warning + checkpoint
    /// grace); null when the job is not checkpointable or not running on that node.
    /// </summary>
    [Alias("WarnReclaim")]
    Task<DateTimeOffset?> WarnReclaimAsync(string node, string reason);

    /// <summary>Measured usage samples of the current run (oldest first).</summary>
    [Alias("ReportUsage")]
    Task ReportUsageAsync(ImmutableArray<UsageSample> samples);

    /// <summary>Measured usage of attempt <c>report.Attempt</c> (ignored when that attempt is not the one running). One-way.</summary>
    [Alias("ReportRunUsage"), Orleans.Concurrency.OneWay]
    Task ReportRunUsageAsync(Contracts.Agent.RunUsageReport report);

    /// <summary>A node agent started the run (its process id, GPU indices and log file go into the run record).</summary>
    /// <remarks>One-way, like every call a node agent grain makes to a job: the job may at that moment be awaiting that
    /// agent grain (a stop order), so an awaited call could deadlock.</remarks>
    [Alias("RunStarted"), Orleans.Concurrency.OneWay]
    Task RunStartedAsync(Contracts.Agent.RunStarted started);

    /// <summary>
    /// A run ended (agent driver). For the current attempt: exit 0 → Succeeded; non-zero or a signal → Failed with the
    /// code or signal, or pending again while retries remain (<c>MaxRetries</c>); lost (node down, agent restart) →
    /// pending again keeping its wait, counted once. For an older attempt (stopped by a preemption or cancel) the end is
    /// only recorded. Idempotent.
    /// </summary>
    [Alias("RunEnded"), Orleans.Concurrency.OneWay]
    Task RunEndedAsync(Contracts.Agent.RunEnd end);

    /// <summary>The driver reports the end of the run identified by <paramref name="attempt"/>.</summary>
    [Alias("Complete")]
    Task<JobView> CompleteAsync(int attempt, bool succeeded, string detail);

    /// <summary>
    /// The driver reports the end of the run identified by <paramref name="attempt"/> with the run's last measured
    /// usage: <see cref="ReportUsageAsync"/> of <paramref name="samples"/> and then <see cref="CompleteAsync"/>, in one
    /// call.
    /// </summary>
    [Alias("CompleteWithUsage")]
    Task<JobView> CompleteWithUsageAsync(int attempt, bool succeeded, string detail, ImmutableArray<UsageSample> samples);
}
