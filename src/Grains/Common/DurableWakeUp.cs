using Orleans.Hosting;

namespace WPAI.Grains.Common;

/// <summary>
/// Periodic work of one grain that survives a silo restart. Two Orleans mechanisms, each for what it is good at:
/// a <b>reminder</b> (durable, in the silo's reminder table, at least <see cref="ReminderOptions.MinimumReminderPeriod"/>
/// apart) brings the grain back after a restart or an idle deactivation, and a <b>grain timer</b>, started on every
/// activation, runs the work at its own interval while the grain is active. The reminder does no work itself (the timer
/// of the activation it caused does), so no tick runs twice. Nothing at silo start-up wakes these grains.
/// docs/architecture.md, "Time and wake-ups".
/// </summary>
internal sealed class DurableWakeUp(Grain grain, string reminderName, Func<CancellationToken, Task> work, bool keepAlive)
{
    private IGrainTimer? _timer;
    private TimeSpan _interval;

    /// <summary>The reminder's name (a grain may own several wake-ups).</summary>
    public string ReminderName => reminderName;

    /// <summary>
    /// On activation: starts the timer for <paramref name="interval"/> (zero: none) and, for a positive interval, makes
    /// sure the reminder exists (a grain whose state predates its reminder gets one here). A reminder left over from a
    /// zero interval is removed when it next fires (<see cref="OnReminderAsync"/>).
    /// </summary>
    public async Task ResumeAsync(TimeSpan interval)
    {
        StartTimer(interval);
        if (interval > TimeSpan.Zero && await grain.GetReminder(reminderName) is null)
        {
            await RegisterAsync(interval);
        }
    }

    /// <summary>The interval changed (zero: the work stops): restarts the timer and registers or removes the reminder.</summary>
    public async Task SetAsync(TimeSpan interval)
    {
        if (_timer is not null && interval == _interval)
        {
            return;
        }

        StartTimer(interval);
        if (interval > TimeSpan.Zero)
        {
            await RegisterAsync(interval);
        }
        else if (await grain.GetReminder(reminderName) is { } existing)
        {
            await grain.UnregisterReminder(existing);
        }
    }

    /// <summary>A reminder tick: the grain is active, so the timer runs; a reminder left over after the work stopped is removed.</summary>
    public Task OnReminderAsync(TimeSpan interval) => interval > TimeSpan.Zero ? Task.CompletedTask : SetAsync(TimeSpan.Zero);

    private Task RegisterAsync(TimeSpan interval)
    {
        var minimum = ((IGrainBase)grain).GrainContext.ActivationServices.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod;
        var period = interval < minimum ? minimum : interval;
        return grain.RegisterOrUpdateReminder(reminderName, period, period);
    }

    private void StartTimer(TimeSpan interval)
    {
        if (_timer is not null && interval == _interval)
        {
            return;
        }

        _timer?.Dispose();
        _timer = null;
        _interval = interval;
        if (interval > TimeSpan.Zero)
        {
            _timer = grain.RegisterGrainTimer(work, new GrainTimerCreationOptions(interval, interval) { KeepAlive = keepAlive, Interleave = false });
        }
    }
}
