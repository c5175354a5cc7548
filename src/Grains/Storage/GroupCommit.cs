namespace WPAI.Grains.Storage;

/// <summary>
/// Group commit for one grain's state: <see cref="PersistAsync"/> returns when a write that started after the call has
/// completed. At most one write is in flight; calls arriving meanwhile share the next one. Runs on the grain's
/// scheduler (no locks needed), so the calls that use it must interleave and change the state synchronously before
/// they await it. A failed write fails every call that joined it and leaves the state <see cref="Dirty"/>: the
/// changes it held are still in memory, unacknowledged, and go out with the next write — a repeated call
/// (<see cref="WhenWrittenAsync"/>), the next change, or a flush.
/// </summary>
internal sealed class GroupCommit(Func<Task> write)
{
    private Task _current = Task.CompletedTask;
    private Task? _next;

    /// <summary>Whether something changed since the last write started.</summary>
    public bool Dirty { get; private set; }

    public void MarkDirty() => Dirty = true;

    public Task PersistAsync()
    {
        Dirty = true;
        if (_next is not null)
        {
            return _next;
        }

        if (_current.IsCompleted)
        {
            _current = WriteNowAsync();
            return _current;
        }

        _next = WriteAfterAsync(_current);
        return _next;
    }

    /// <summary>
    /// Completes when the writes started so far have completed (an idempotent repeat of a change waits for the write
    /// holding it); when the state holds changes no write has stored (the last write failed), writes them.
    /// </summary>
    public Task WhenWrittenAsync() => _next ?? (_current.IsCompleted && Dirty ? PersistAsync() : _current);

    /// <summary>Writes when something changed; otherwise completes at once.</summary>
    public Task FlushAsync() => Dirty ? PersistAsync() : Task.CompletedTask;

    /// <summary>
    /// Waits for the writes in flight (their callers see their failures), then writes what is still unwritten, a failed
    /// write's changes included (deactivation).
    /// </summary>
    public async Task DrainAsync()
    {
        await Settled(_next ?? _current);
        await FlushAsync();
    }

    private async Task WriteAfterAsync(Task previous)
    {
        // Resumes in a later turn of the grain's scheduler even when the earlier write completes meanwhile on another
        // thread, so PersistAsync has recorded this task as the next write before it runs; the earlier write's failure
        // is for its callers to see, this write is a new attempt.
        await previous.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current);
        _current = _next!;
        _next = null;
        await WriteNowAsync();
    }

    private static async Task Settled(Task write)
    {
        try
        {
            await write;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // seen by the callers that joined that write
        }
    }

    private async Task WriteNowAsync()
    {
        Dirty = false;
        try
        {
            await write();
        }
        catch
        {
            Dirty = true; // the changes this write held are not stored: the next write carries them
            throw;
        }
    }
}
