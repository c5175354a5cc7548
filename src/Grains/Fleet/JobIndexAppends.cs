namespace WPAI.Grains.Fleet;

/// <summary>
/// This silo's appends to the job index, grouped: the ids its jobs add while an append of this silo is in flight go
/// out together in the next one, so the index (one grain, on one silo) receives one call per group instead of one per
/// submit — on a cluster, one message from each other silo per group. At most one append per silo is in flight. A
/// submit's <see cref="AddAsync"/> completes when an append holding its id has completed (the index acknowledges only
/// durable ids, so the submit still returns only once its entry is durable); a failed append fails every submit in its
/// group, as each one's own append would have. Sends from the thread pool, never from the calling grain's scheduler. One
/// per silo process.
/// </summary>
public sealed class JobIndexAppends
{
    private readonly Lock _gate = new();
    private List<string> _waiting = [];
    private TaskCompletionSource? _next;
    private bool _sending;

    /// <summary>Adds <paramref name="jobId"/> to the job index; completes when an append holding it is durable.</summary>
    public Task AddAsync(IGrainFactory grains, string jobId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        lock (_gate)
        {
            _waiting.Add(jobId);
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var appended = _next.Task;
            if (!_sending)
            {
                _sending = true;
                _ = Task.Run(() => SendAsync(grains));
            }

            return appended;
        }
    }

    /// <summary>Sends the waiting ids, one append at a time, until none wait.</summary>
    private async Task SendAsync(IGrainFactory grains)
    {
        var index = grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey);
        while (true)
        {
            List<string> ids;
            TaskCompletionSource done;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _sending = false;
                    return;
                }

                (ids, _waiting, done, _next) = (_waiting, [], _next!, null);
            }

            try
            {
                await index.AddAsync([.. ids]);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
    }
}
