namespace WPAI.Grains.Common;

/// <summary>
/// Gathers the items that this silo's grains send to one grain through one method taking many, so that concurrent
/// callers share a call: up to <see cref="MaxInFlight"/> calls go at once, each from its caller's turn as its own call
/// would; items added while that many are in flight wait together and go as one call when one completes, in the order
/// they were added, sent from the thread pool (no activation carries another's call). Two calls in flight keep the
/// target's own group commit fed (the next call arrives while its write is in flight). Each caller's task completes
/// when the call holding its item has completed, or fails with that call's error, so a caller that awaited its item
/// knows what it would know had it made the call itself. Items of one caller that awaits each before adding the next
/// never share a call.
/// </summary>
internal sealed class CallGatherer<T>(Func<ImmutableArray<T>, Task> send)
{
    /// <summary>Calls in flight at most before items wait to share one.</summary>
    public const int MaxInFlight = 2;

    private readonly Lock _gate = new();
    private readonly ImmutableArray<T>.Builder _waiting = ImmutableArray.CreateBuilder<T>();
    private TaskCompletionSource? _next;
    private int _inFlight;
    private long _calls;

    /// <summary>How many calls this gatherer has sent.</summary>
    public long CallsSent => Interlocked.Read(ref _calls);

    /// <summary>Sends <paramref name="item"/>, alone or with others; completes when the call holding it has.</summary>
    public Task AddAsync(T item)
    {
        lock (_gate)
        {
            if (_inFlight == MaxInFlight)
            {
                _waiting.Add(item);
                _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _next.Task;
            }

            _inFlight++;
        }

        return SendAloneAsync(item);
    }

    private async Task SendAloneAsync(T item)
    {
        try
        {
            Interlocked.Increment(ref _calls);
            await send([item]);
        }
        finally
        {
            SendWaiting();
        }
    }

    /// <summary>A call completed: sends what gathered meanwhile from the thread pool, or frees its place.</summary>
    private void SendWaiting()
    {
        ImmutableArray<T> items;
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_next is null)
            {
                _inFlight--;
                return;
            }

            (items, done) = (_waiting.DrainToImmutable(), _next);
            _next = null;
        }

        _ = Task.Factory.StartNew(() => SendGatheredAsync(items, done), CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default).Unwrap();
    }

    private async Task SendGatheredAsync(ImmutableArray<T> items, TaskCompletionSource done)
    {
        try
        {
            Interlocked.Increment(ref _calls);
            await send(items);
            done.SetResult();
        }
        catch (Exception ex)
        {
            done.SetException(ex);
        }
        finally
        {
            SendWaiting();
        }
    }
}
