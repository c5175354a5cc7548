namespace WPAI.Grains.Departments;

/// <summary>
/// One per silo process: gathers the department-ledger calls of this silo's jobs (a start, an end) into one
/// <see cref="IDepartmentGrain.RecordBatchAsync"/> per department. While a batch to a department is in flight, the
/// next calls to it wait together and go as the next batch; each caller's task completes when the batch holding its
/// record has been written (or fails with that batch's error), so a job's commit protocol is as with one call each. One
/// job never has two records in one batch: a job awaits each record before it makes the next. The batches are sent
/// from the thread pool, not from a grain's turn, so no job activation carries another job's call.
/// </summary>
public sealed class DepartmentRecorder(IGrainFactory grains)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Gatherer> _departments = new(StringComparer.Ordinal);
    private long _batches;

    /// <summary>How many <see cref="IDepartmentGrain.RecordBatchAsync"/> calls this silo has sent.</summary>
    public long BatchesSent => Interlocked.Read(ref _batches);

    /// <summary>Records a started job in <paramref name="department"/>'s ledger (idempotent per job id).</summary>
    public Task RecordStartAsync(string department, RunningAllocation allocation) => For(department).AddAsync(allocation, null);

    /// <summary>Records a job's end in <paramref name="department"/>'s ledger (idempotent per job id).</summary>
    public Task RecordEndAsync(string department, JobOutcome outcome) => For(department).AddAsync(null, outcome);

    private Gatherer For(string department) => _departments.GetOrAdd(department, d => new Gatherer(grains.GetGrain<IDepartmentGrain>(d), () => Interlocked.Increment(ref _batches)));

    private sealed class Gatherer(IDepartmentGrain department, Action sent)
    {
        private readonly Lock _gate = new();
        private readonly ImmutableArray<RunningAllocation>.Builder _starts = ImmutableArray.CreateBuilder<RunningAllocation>();
        private readonly ImmutableArray<JobOutcome>.Builder _ends = ImmutableArray.CreateBuilder<JobOutcome>();
        private TaskCompletionSource? _next;
        private bool _sending;

        public Task AddAsync(RunningAllocation? start, JobOutcome? end)
        {
            Task written;
            bool send;
            lock (_gate)
            {
                if (start is not null)
                {
                    _starts.Add(start);
                }

                if (end is not null)
                {
                    _ends.Add(end);
                }

                _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                written = _next.Task;
                send = !_sending;
                _sending = true;
            }

            if (send)
            {
                _ = Task.Factory.StartNew(SendAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default).Unwrap();
            }

            return written;
        }

        private async Task SendAsync()
        {
            while (true)
            {
                ImmutableArray<RunningAllocation> starts;
                ImmutableArray<JobOutcome> ends;
                TaskCompletionSource done;
                lock (_gate)
                {
                    if (_next is null)
                    {
                        _sending = false;
                        return;
                    }

                    (starts, ends, done) = (_starts.DrainToImmutable(), _ends.DrainToImmutable(), _next);
                    _next = null;
                }

                try
                {
                    sent();
                    await department.RecordBatchAsync(starts, ends);
                    done.SetResult();
                }
                catch (Exception ex)
                {
                    done.SetException(ex);
                }
            }
        }
    }
}
