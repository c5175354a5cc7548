using WPAI.Abstractions.Contracts;
using WPAI.Domain.Departments;

namespace WPAI.Domain.Tests.Departments;

public sealed class GpuUsagePeriodsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double>> _closed = new(StringComparer.Ordinal);

    private static RunningAllocation Run(string pool, int gpus) => new("j-" + pool + gpus, pool, "n1", new Resources(gpus, 0, 0), Tier.Own, T0);

    [Fact]
    public void Accrue_FirstCall_OnlyStartsThePeriod()
    {
        var periods = new GpuUsagePeriods(_seconds, _closed, default, default);

        periods.Accrue(T0, PoolGpuTally.Of([Run("T4", 4)]), ["T4"]);

        Assert.Equal((T0, T0), (periods.PeriodStart, periods.LastAccrual));
        Assert.Empty(_seconds);
    }

    [Fact]
    public void Accrue_AddsGpuSecondsPerPool_SinceTheLastAccrual()
    {
        var periods = new GpuUsagePeriods(_seconds, _closed, T0, T0);

        periods.Accrue(T0.AddHours(1), PoolGpuTally.Of([Run("T4", 2), Run("T4", 1), Run("A100", 4)]), ["T4"]);

        Assert.Equal(3 * 3600.0, _seconds["T4"]);
        Assert.Equal(4 * 3600.0, _seconds["A100"]);
        Assert.Equal(T0.AddHours(1), periods.LastAccrual);
    }

    [Fact]
    public void Accrue_SumsInterleavedPools_AndAddsNewPoolsInTheOrderOfTheirFirstJob()
    {
        _seconds["P100"] = 10;
        var periods = new GpuUsagePeriods(_seconds, _closed, T0, T0);

        periods.Accrue(T0.AddMinutes(30), PoolGpuTally.Of([Run("A100", 4), Run("T4", 2), Run("A100", 1), Run("V100", 3), Run("T4", 1)]), ["T4"]);

        Assert.Equal(["P100", "A100", "T4", "V100"], _seconds.Keys);
        Assert.Equal(10.0, _seconds["P100"]);
        Assert.Equal(5 * 1800.0, _seconds["A100"]);
        Assert.Equal(3 * 1800.0, _seconds["T4"]);
        Assert.Equal(3 * 1800.0, _seconds["V100"]);
    }

    [Fact]
    public void Accrue_ClosesEveryEndedPeriod_WithItsAverageGpus_AndZeroForIdlePools()
    {
        var periods = new GpuUsagePeriods(_seconds, _closed, T0, T0);

        periods.Accrue(T0.AddDays(2).AddHours(6), PoolGpuTally.Of([Run("T4", 2)]), ["T4", "P40"]);

        Assert.Equal([2.0, 2.0], _closed["T4"]);
        Assert.Equal([0.0, 0.0], _closed["P40"]);
        Assert.Equal(T0.AddDays(2), periods.PeriodStart);
        Assert.Equal(2 * 6 * 3600.0, _seconds["T4"]);
        Assert.Equal([2.0, 2.0], periods.Closed("T4"));
        Assert.Empty(periods.Closed("A100"));
    }

    [Fact]
    public void GpuHours_SumsTheNewestClosedPeriodsTheCurrentOneAndWhatRunsSinceTheLastAccrual()
    {
        var periods = new GpuUsagePeriods(_seconds, _closed, T0, T0);
        periods.Accrue(T0.AddDays(8).AddHours(2), PoolGpuTally.Of([Run("T4", 1)]), ["T4"]); // 8 closed days of 1 GPU, 2 h into the 9th

        var week = periods.GpuHours(6, T0.AddDays(8).AddHours(3), [Run("T4", 1), Run("A100", 2)]);

        Assert.Equal((6 * 24) + 2 + 1, week["T4"], 6);
        Assert.Equal(2, week["A100"], 6);
    }

    [Fact]
    public void Accrue_KeepsTheNewest30Periods()
    {
        var periods = new GpuUsagePeriods(_seconds, _closed, T0, T0);

        periods.Accrue(T0.AddDays(40), PoolGpuTally.Of([Run("T4", 1)]), ["T4"]);

        Assert.Equal(GpuUsagePeriods.MaxPeriods, _closed["T4"].Count);
    }

    [Fact]
    public void Accrue_AtAnEarlierTime_AddsNothing()
    {
        var periods = new GpuUsagePeriods(_seconds, _closed, T0, T0.AddHours(2));

        periods.Accrue(T0.AddHours(1), PoolGpuTally.Of([Run("T4", 1)]), ["T4"]);

        Assert.Empty(_seconds);
        Assert.Equal(T0.AddHours(2), periods.LastAccrual);
    }
}
