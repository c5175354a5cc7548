namespace WPAI.Grains.Storage;

/// <summary>
/// Group commit for one grain's state: <see cref="CommitAsync"/> returns when a write that started after the call
/// has completed. At most one write is in flight; calls that arrive meanwhile (in interleaved turns) share the next
/// one, so N concurrent changes cost about two writes instead of N. Used from the grain's own turns only.
/// </summary>
internal sealed class GroupCommit(Func<Task> write)
{
    private Task _current = Task.CompletedTask;
    private Task? _next;

    public Task CommitAsync()
    {
        if (_next is not null)
        {
            return _next;
        }

        if (_current.IsCompleted)
        {
            _current = write();
            return _current;
        }

        _next = AfterAsync(_current);
        return _next;
    }

    private async Task AfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The earlier write's callers see its failure; this write is a new attempt that also carries their changes.
        }

        _current = _next!;
        _next = null;
        await write();
    }
}
