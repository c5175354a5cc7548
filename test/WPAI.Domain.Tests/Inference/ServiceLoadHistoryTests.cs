using WPAI.Domain.Inference;

namespace WPAI.Domain.Tests.Inference;

public sealed class ServiceLoadHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static ServiceLoadHistory Empty(TimeSpan? max = null) => new(null, [], [], max ?? TimeSpan.FromDays(30));

    [Fact]
    public void Add_BucketsByMinute_KeepingTheHighestReport()
    {
        var h = Empty();
        h.Add(T0.AddSeconds(10), 50);
        h.Add(T0.AddSeconds(40), 80);
        h.Add(T0.AddSeconds(50), 60);
        Assert.Equal(T0, h.Start);
        Assert.Equal([80.0], h.Values);
    }

    [Fact]
    public void Add_FillsAGapLinearly()
    {
        var h = Empty();
        h.Add(T0, 10);
        h.Add(T0.AddMinutes(4), 50);
        Assert.Equal([10.0, 20, 30, 40, 50], h.Values);
        Assert.Equal(T0.AddMinutes(4), h.Last);
    }

    [Fact]
    public void Add_IgnoresReportsOlderThanTheHistory()
    {
        var h = Empty();
        h.Add(T0, 10);
        h.Add(T0.AddMinutes(-3), 99);
        Assert.Equal([10.0], h.Values);
        Assert.Equal(T0, h.Start);
    }

    [Fact]
    public void Add_TrimsTheOldestMinutes_AndMovesTheStart()
    {
        var h = Empty(TimeSpan.FromMinutes(3));
        for (var m = 0; m < 5; m++)
        {
            h.Add(T0.AddMinutes(m), m);
        }

        Assert.Equal([2.0, 3, 4], h.Values);
        Assert.Equal(T0.AddMinutes(2), h.Start);
    }

    [Fact]
    public void Add_RejectsNegativeOrNonFiniteLoad_AndChangesNothing()
    {
        var h = Empty();
        h.Add(T0, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Add(T0.AddMinutes(1), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Add(T0.AddMinutes(1), double.NaN));
        Assert.Equal([10.0], h.Values);
    }

    [Fact]
    public void Expect_PairsTheForecastWithTheLoadRealizedAtItsMinute()
    {
        var h = Empty();
        h.Add(T0, 10);
        h.Expect(2, 30); // for T0 + 2 min
        h.Add(T0.AddMinutes(1), 20);
        Assert.Empty(h.Realized);
        h.Add(T0.AddMinutes(2), 25);
        Assert.Equal([new KeyValuePair<double, double>(30, 25)], h.Realized);
        Assert.Equal([(30.0, 25.0)], h.RealizedPairs());
    }

    [Fact]
    public void Realized_KeepsAtMostOneDay()
    {
        var h = Empty();
        h.Add(T0, 1);
        for (var m = 1; m <= ServiceLoadHistory.MaxRealized + 5; m++)
        {
            h.Expect(1, m);
            h.Add(T0.AddMinutes(m), m);
        }

        Assert.Equal(ServiceLoadHistory.MaxRealized, h.Realized.Count);
        Assert.Equal(6, h.Realized[0].Key);
    }

    [Fact]
    public void IsStale_WhenTheNewestMinuteIsTooOld()
    {
        var h = Empty();
        Assert.True(h.IsStale(T0, TimeSpan.FromMinutes(5)));
        h.Add(T0, 1);
        Assert.False(h.IsStale(T0.AddMinutes(5), TimeSpan.FromMinutes(5)));
        Assert.True(h.IsStale(T0.AddMinutes(6), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void LastValuePairs_PairEachMinuteWithTheOneAHorizonLater()
    {
        var h = Empty();
        for (var m = 0; m < 4; m++)
        {
            h.Add(T0.AddMinutes(m), m + 1);
        }

        var (forecasts, actuals) = h.LastValuePairs(2);
        Assert.Equal([1.0, 2], forecasts);
        Assert.Equal([3.0, 4], actuals);
    }

    [Fact]
    public void Constructor_RequiresAStart_ForAHistoryWithPoints()
    {
        Assert.Throws<ArgumentException>(() => new ServiceLoadHistory(null, [1.0], [], TimeSpan.FromDays(1)));
    }
}
