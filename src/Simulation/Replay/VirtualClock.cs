namespace WPAI.Simulation.Replay;

/// <summary>
/// The grains' clock during a replay: it only moves when the driver moves it, event by event. It has no timers:
/// a component that asks for one fails loudly instead of silently waiting on the wall clock.
/// </summary>
public sealed class VirtualClock(DateTimeOffset origin) : TimeProvider
{
    private long _offsetTicks;

    public DateTimeOffset Origin { get; } = origin;

    /// <summary>Virtual time since <see cref="Origin"/>.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => Origin + Elapsed;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Moves the clock forward to <paramref name="elapsed"/> since the origin (never backwards).</summary>
    public void AdvanceTo(TimeSpan elapsed)
    {
        if (elapsed < Elapsed)
        {
            throw new InvalidOperationException($"The virtual clock cannot go back from {Elapsed} to {elapsed}.");
        }

        Interlocked.Exchange(ref _offsetTicks, elapsed.Ticks);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("The simulation's virtual clock has no timers: run scheduling passes explicitly (SchedulingOptions.AutoPass = false).");
}
