namespace WPAI.Grains.Scheduling;

/// <summary>
/// When a pool scheduler runs its next pass: events ask for one after <see cref="SchedulingOptions.PassDelay"/> (events
/// arriving meanwhile share it), a failure asks for a retry after <see cref="RetryAfterFailure"/>; it also holds the
/// periodic (aging) timer. Without timers (passes run by the caller, as in a replay) it does nothing. Runs on the
/// grain's turn.
/// </summary>
internal sealed class PassTrigger(IGrainTimer? timer, IGrainTimer? agingTimer, TimeSpan delay)
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private bool _requested;

    /// <summary>Schedules a pass after a failure; it replaces a pass that was due sooner.</summary>
    public void Retry() => Request(RetryAfterFailure);

    /// <summary>Schedules a pass after the delay unless one is due; a retry (<paramref name="retryAfter"/>) reschedules it.</summary>
    public void Request(TimeSpan? retryAfter = null)
    {
        if (timer is null || (_requested && retryAfter is null))
        {
            return;
        }

        _requested = true;
        timer.Change(retryAfter ?? delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The requested pass is running: the next event asks for another.</summary>
    public void Fired() => _requested = false;

    /// <summary>Stops both timers (deactivation).</summary>
    public void Stop()
    {
        timer?.Dispose();
        agingTimer?.Dispose();
    }
}
