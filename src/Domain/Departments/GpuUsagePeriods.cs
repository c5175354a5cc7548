namespace WPAI.Domain.Departments;

/// <summary>
/// A department's GPU use in accounting periods of <see cref="Period"/>, over the persisted values it is given: the
/// GPU-seconds accrued per pool in the current period, and per pool the average GPUs of the newest
/// <see cref="MaxPeriods"/> closed periods (what quota advice reads). <see cref="Accrue"/> adds what the running jobs
/// held since the last accrual and closes every period that ended in between (a pool without use closes at 0).
/// Time never runs backwards here: an accrual at an earlier time adds nothing.
/// </summary>
public sealed class GpuUsagePeriods(
    Dictionary<string, double> currentGpuSeconds,
    Dictionary<string, List<double>> closedAverages,
    DateTimeOffset periodStart,
    DateTimeOffset lastAccrual)
{
    public const int MaxPeriods = 30;
    public static readonly TimeSpan Period = TimeSpan.FromDays(1);

    /// <summary>Start of the current period (default before the first accrual).</summary>
    public DateTimeOffset PeriodStart { get; private set; } = periodStart;

    /// <summary>Up to when GPU-seconds are accrued.</summary>
    public DateTimeOffset LastAccrual { get; private set; } = lastAccrual;

    /// <summary>
    /// Accrues GPU-seconds of what the running jobs hold (<paramref name="held"/>) up to <paramref name="now"/>, closing
    /// ended periods for <paramref name="pools"/> and every pool with use. The first accrual only starts the first period.
    /// </summary>
    public void Accrue(DateTimeOffset now, PoolGpuTally held, IEnumerable<string> pools)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(pools);
        if (PeriodStart == default)
        {
            (PeriodStart, LastAccrual) = (now, now);
            return;
        }

        var known = pools.ToList();
        while (now - PeriodStart >= Period)
        {
            var end = PeriodStart + Period;
            AccrueUntil(end, held);
            foreach (var pool in known.Union(currentGpuSeconds.Keys).ToList())
            {
                if (!closedAverages.TryGetValue(pool, out var periods))
                {
                    closedAverages[pool] = periods = [];
                }

                Common.BoundedList.AddNewestLast(periods, currentGpuSeconds.GetValueOrDefault(pool) / Period.TotalSeconds, MaxPeriods);
            }

            currentGpuSeconds.Clear();
            PeriodStart = end;
        }

        AccrueUntil(now, held);
    }

    /// <summary>The average GPUs of a pool's closed periods, oldest first.</summary>
    public IReadOnlyList<double> Closed(string pool) => closedAverages.TryGetValue(pool, out var periods) ? periods : [];

    /// <summary>
    /// GPU-hours per pool over the newest <paramref name="closedPeriods"/> closed periods plus the current one up to
    /// <paramref name="now"/> (what <paramref name="running"/> holds since the last accrual included, without accruing
    /// it): with daily periods, 6 closed periods and today are the last seven days.
    /// </summary>
    public IReadOnlyDictionary<string, double> GpuHours(int closedPeriods, DateTimeOffset now, IReadOnlyCollection<RunningAllocation> running)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(closedPeriods);
        ArgumentNullException.ThrowIfNull(running);
        var hours = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (pool, periods) in closedAverages)
        {
            hours[pool] = periods.TakeLast(closedPeriods).Sum() * Period.TotalHours;
        }

        foreach (var (pool, seconds) in currentGpuSeconds)
        {
            hours[pool] = hours.GetValueOrDefault(pool) + (seconds / 3600);
        }

        var since = (now - LastAccrual).TotalHours;
        if (since > 0 && LastAccrual != default)
        {
            foreach (var group in running.GroupBy(r => r.Pool, StringComparer.Ordinal))
            {
                hours[group.Key] = hours.GetValueOrDefault(group.Key) + (since * group.Sum(r => r.Resources.Gpus));
            }
        }

        return hours;
    }

    /// <summary>GPU-hours per pool over the last seven days, today included (<see cref="GpuHours"/> of six closed daily periods).</summary>
    public IReadOnlyDictionary<string, double> GpuHoursLastWeek(DateTimeOffset now, IReadOnlyCollection<RunningAllocation> running) =>
        GpuHours((int)(TimeSpan.FromDays(7) / Period) - 1, now, running);

    private void AccrueUntil(DateTimeOffset until, PoolGpuTally held)
    {
        var seconds = (until - LastAccrual).TotalSeconds;
        if (seconds > 0)
        {
            foreach (var (pool, gpus) in held.ByPool)
            {
                currentGpuSeconds[pool] = currentGpuSeconds.GetValueOrDefault(pool) + (seconds * gpus);
            }
        }

        if (until > LastAccrual)
        {
            LastAccrual = until;
        }
    }
}
