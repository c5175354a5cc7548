using System.Collections.Concurrent;
using WPAI.Abstractions.Grains;

namespace WPAI.Silo.Hosting;

/// <summary>
/// This silo's unfinished recovery work, never swallowed: runs whose completion could not be recorded and a start-up
/// that could not re-attach running jobs. Both are retried with back-off by their owners; this keeps the count, serves
/// it to the health endpoint, and reports it to <see cref="IRunHealthGrain"/> for <c>wpai doctor</c>.
/// </summary>
public sealed class RunRecovery(IGrainFactory grains, ILocalSiloDetails silo, [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock)
{
    /// <summary>The first retry waits this long; each further one twice as long, up to <see cref="MaxDelay"/>.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string JobId, int Attempt), byte> _uncompleted = new();
    private volatile bool _reattachFailed;
    private int _reattachAttempts;
    private volatile string? _lastError;

    /// <summary>The back-off before retry number <paramref name="failures"/> (1 for the first retry).</summary>
    public static TimeSpan Delay(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Clamp(failures - 1, 0, 20)));

    public RunHealth Snapshot() => new(silo.Name, _uncompleted.Count, _reattachFailed, Volatile.Read(ref _reattachAttempts), _lastError, clock.GetUtcNow());

    public void CompletionFailed(string jobId, int attempt, Exception error)
    {
        _uncompleted[(jobId, attempt)] = 0;
        _lastError = Short(error);
        Report();
    }

    public void CompletionDone(string jobId, int attempt)
    {
        if (_uncompleted.TryRemove((jobId, attempt), out _))
        {
            Report();
        }
    }

    public void ReattachFailed(Exception error)
    {
        _reattachFailed = true;
        Interlocked.Increment(ref _reattachAttempts);
        _lastError = Short(error);
        Report();
    }

    public void ReattachDone()
    {
        var failedBefore = _reattachFailed;
        _reattachFailed = false;
        if (failedBefore)
        {
            Report();
        }
    }

    private void Report()
    {
        try
        {
            _ = grains.GetGrain<IRunHealthGrain>(WpaiCluster.FleetKey).ReportAsync(Snapshot());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The health endpoint still shows it; the next change or retry reports again.
        }
    }

    private static string Short(Exception error) => $"{error.GetType().Name}: {error.Message}".Split('\n')[0].Trim();
}
