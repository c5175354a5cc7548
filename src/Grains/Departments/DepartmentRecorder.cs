using System.Collections.Concurrent;
using WPAI.Grains.Common;

namespace WPAI.Grains.Departments;

/// <summary>
/// One per silo process: this silo's jobs' department-ledger calls (a start, an end), gathered per department into
/// <see cref="IDepartmentGrain.RecordBatchAsync"/> (<see cref="CallGatherer{T}"/>): a record with no call to its
/// department in flight goes at once; records made meanwhile go together in the next call, in the order made. Each
/// caller's task completes when the write holding its record has completed, so a job's commit protocol is as with one
/// call each; a department on another silo gets one message per batch instead of one per job.
/// </summary>
public sealed class DepartmentRecorder(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, CallGatherer<DepartmentRecord>> _departments = new(StringComparer.Ordinal);

    /// <summary>How many <see cref="IDepartmentGrain.RecordBatchAsync"/> calls this silo has sent.</summary>
    public long CallsSent => _departments.Values.Sum(g => g.CallsSent);

    /// <summary>Records a started job in <paramref name="department"/>'s ledger (idempotent per job id).</summary>
    public Task RecordStartAsync(string department, RunningAllocation allocation) => For(department).AddAsync(new DepartmentRecord(allocation, null));

    /// <summary>Records a job's end in <paramref name="department"/>'s ledger (idempotent per job id).</summary>
    public Task RecordEndAsync(string department, JobOutcome outcome) => For(department).AddAsync(new DepartmentRecord(null, outcome));

    private CallGatherer<DepartmentRecord> For(string department) =>
        _departments.GetOrAdd(department, d => new CallGatherer<DepartmentRecord>(records => grains.GetGrain<IDepartmentGrain>(d).RecordBatchAsync(records)));
}
