namespace WPAI.Grains.Storage;

/// <summary>
/// Group commit for one grain's state: <see cref="PersistAsync"/> returns when a write that started after the call has
/// completed. At most one write is in flight; calls arriving meanwhile share the next one. Runs on the grain's
/// scheduler (no locks needed).
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

    /// <summary>Completes when the writes started so far have completed (an idempotent repeat of a change waits for the write holding it).</summary>
    public Task WhenWrittenAsync() => _next ?? _current;

    /// <summary>Writes when something changed; otherwise completes at once.</summary>
    public Task FlushAsync() => Dirty ? PersistAsync() : Task.CompletedTask;

    /// <summary>Waits for the writes in flight, then writes what is still unwritten (deactivation).</summary>
    public async Task DrainAsync()
    {
        await _current;
        if (_next is not null)
        {
            await _next;
        }

        await FlushAsync();
    }

    private async Task WriteAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // the earlier write's callers see its failure; this write is a new attempt
        }

        _current = _next!;
        _next = null;
        await WriteNowAsync();
    }

    private Task WriteNowAsync()
    {
        Dirty = false;
        return write();
    }
}
