using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

public sealed class DailyProfileForecastTests
{
    private static readonly DateTimeOffset Day0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Two days per minute: the value is the hour of day, times 1 on day 0 and times 2 on day 1.</summary>
    private static double[] TwoDays() => [.. Enumerable.Range(0, 2880).Select(i => (double)(i % 1440 / 60) * (i / 1440 + 1))];

    [Fact]
    public void Forecast_IsTheMeanOverPastDaysOfTheWindowPeak()
    {
        var points = DailyProfileForecast.Forecast(TwoDays(), Day0, Day0.AddDays(2), TimeSpan.FromHours(2), TimeSpan.FromMinutes(30));
        Assert.Equal(
            [(0.5, 0.0), (1.0, 1.5), (1.5, 1.5), (2.0, 3.0)],
            points.Select(p => ((p.At - Day0.AddDays(2)).TotalHours, p.Qps)));
    }

    [Fact]
    public void Forecast_BusiestIsTheHighestDaysWindowPeak()
    {
        // Day 1 is twice day 0: the peaks of the hour-long windows ending at 01:00 are 1 (day 0) and 2 (day 1); at 02:00,
        // 2 and 4; at 03:00, 3 and 6. The mean and the busiest of the two days.
        var points = DailyProfileForecast.Forecast(TwoDays(), Day0, Day0.AddDays(2), TimeSpan.FromHours(3), TimeSpan.FromHours(1));
        Assert.Equal(
            [(1.0, 1.5, 2.0), (2.0, 3.0, 4.0), (3.0, 4.5, 6.0)],
            points.Select(p => ((p.At - Day0.AddDays(2)).TotalHours, p.Qps, p.BusiestQps)));
    }

    [Fact]
    public void Forecast_UsesOnlyTheDaysTheHistoryCovers()
    {
        // Now = day 1 12:00 with history up to then; t = day 1 13:00: day 0 (k = 1) covers the window 12:00–13:00 of
        // day 0, whose peak is 13; k = 2 falls before the history.
        var points = DailyProfileForecast.Forecast(TwoDays()[..2160], Day0, Day0.AddDays(1.5), TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        Assert.Equal([13.0], points.Select(p => p.Qps));
    }

    [Fact]
    public void Forecast_LessThanADayOfHistory_GivesNothing()
    {
        var points = DailyProfileForecast.Forecast(TwoDays()[..600], Day0, Day0.AddMinutes(600), TimeSpan.FromHours(3), TimeSpan.FromMinutes(5));
        Assert.Empty(points);
    }

    [Theory]
    [InlineData(0, 1, 10, 1)]
    [InlineData(101, 1, 10, 3)]
    [InlineData(100, 1, 10, 2)]
    [InlineData(5_000, 1, 10, 10)]
    public void Replicas_CeilOfLoadOverTarget_Clamped(double qps, int min, int max, int expected) =>
        Assert.Equal(expected, DailyProfileForecast.Replicas(qps, 50, min, max));
}
