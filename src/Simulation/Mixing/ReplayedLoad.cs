using WPAI.Forecasting;
using WPAI.Simulation.Inference;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// A load file laid onto the simulation's virtual time. Virtual day 0 (the replay's origin, a Thursday) is the file's first
/// whole day with the origin's weekday; the file's whole weeks (whole days when it holds less than a week) are repeated in
/// order to cover any length, keeping times of day and weekdays. Values between points are interpolated linearly.
/// <see cref="Scale"/> turns the file's unit into QPS.
/// </summary>
public sealed class ReplayedLoad
{
    private readonly LoadSeries _series;
    private readonly DateTimeOffset _day0;

    private ReplayedLoad(string file, LoadSeries series, DateTimeOffset day0, int days, double scale)
    {
        File = file;
        _series = series;
        _day0 = day0;
        CycleDays = days;
        Scale = scale;
    }

    public string File { get; }

    public string Name => _series.Name;

    /// <summary>The file's time that virtual day 0 starts at.</summary>
    public DateTimeOffset FirstDay => _day0;

    /// <summary>The number of the file's days repeated.</summary>
    public int CycleDays { get; }

    public TimeSpan Step => _series.Step;

    /// <summary>QPS per unit of the file.</summary>
    public double Scale { get; }

    /// <summary>Reads the file and lays it onto virtual time starting at <paramref name="origin"/> (unscaled).</summary>
    public static ReplayedLoad Read(string file, DateTimeOffset origin)
    {
        var series = LoadFileReader.Read(file);
        var end = series.TimeAt(series.Count - 1);
        var first = new DateTimeOffset(series.Start.UtcDateTime.Date, TimeSpan.Zero);
        if (first < series.Start)
        {
            first = first.AddDays(1);
        }

        var sameWeekday = first;
        while (sameWeekday.DayOfWeek != origin.DayOfWeek)
        {
            sameWeekday = sameWeekday.AddDays(1);
        }

        var weeks = (int)Math.Floor((end - sameWeekday).TotalDays / 7);
        if (weeks >= 1)
        {
            return new ReplayedLoad(file, series, sameWeekday, weeks * 7, 1);
        }

        var days = (int)Math.Floor((end - first).TotalDays);
        if (days < 1)
        {
            throw new LoadFileException(file, series.Count + 1, 1, $"the load covers {(end - series.Start).TotalHours:0.#} h, less than one whole day (midnight to midnight, UTC)", "Give a load file with at least one whole day so its days can be repeated");
        }

        return new ReplayedLoad(file, series, first, days, 1);
    }

    public ReplayedLoad WithScale(double scale) => new(File, _series, _day0, CycleDays, scale);

    /// <summary>The load in QPS at virtual time <paramref name="t"/> since the origin.</summary>
    public double Qps(TimeSpan t) => Raw(t) * Scale;

    /// <summary>The load in the file's unit at virtual time <paramref name="t"/>.</summary>
    public double Raw(TimeSpan t)
    {
        var day = (long)Math.Floor(t.TotalDays);
        var timeOfDay = t - TimeSpan.FromDays(day);
        var cycleDay = (int)(((day % CycleDays) + CycleDays) % CycleDays);
        var at = _day0 + TimeSpan.FromDays(cycleDay) + timeOfDay;
        var p = (at - _series.Start) / _series.Step;
        var v = _series.Values;
        if (p <= 0)
        {
            return v[0];
        }

        var k = (int)Math.Floor(p);
        if (k >= v.Count - 1)
        {
            return v[^1];
        }

        var f = p - k;
        return (v[k] * (1 - f)) + (v[k + 1] * f);
    }

    /// <summary>The highest load (file unit) of each virtual day in [0, <paramref name="days"/>), sampled every 5 minutes.</summary>
    public double[] DailyPeaks(int days)
    {
        var peaks = new double[days];
        for (var d = 0; d < days; d++)
        {
            var max = 0.0;
            for (var m = 0; m < 24 * 60; m += 5)
            {
                max = Math.Max(max, Raw(TimeSpan.FromDays(d) + TimeSpan.FromMinutes(m)));
            }

            peaks[d] = max;
        }

        return peaks;
    }
}
