using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Scaling;

public sealed class LoadPeriodicityTests
{
    [Fact]
    public void Autocorrelations_DailyPattern_IsHigh_AndNoiseIsLow()
    {
        const int day = 1440;
        var daily = Enumerable.Range(0, 4 * day).Select(i => 100 + (50 * Math.Sin(2 * Math.PI * i / day))).ToList();
        var (d, w) = LoadPeriodicity.Autocorrelations(daily, day);
        Assert.Equal(0.75, d, 3); // a pure daily sine over four days: the sample autocorrelation at one day is (n - lag) / n
        Assert.True(double.IsNaN(w)); // four days: no two weeks
        Assert.True(LoadPeriodicity.IsPeriodic(daily, day, 0.5));

        var random = new Random(7);
        var noise = Enumerable.Range(0, 4 * day).Select(_ => 100 + (50 * random.NextDouble())).ToList();
        Assert.True(Math.Abs(LoadPeriodicity.At(noise, day)) < 0.1);
        Assert.False(LoadPeriodicity.IsPeriodic(noise, day, 0.5));
    }

    [Fact]
    public void At_ConstantOrShortSeries_IsNaN()
    {
        Assert.True(double.IsNaN(LoadPeriodicity.At([5, 5, 5, 5], 1)));
        Assert.True(double.IsNaN(LoadPeriodicity.At([1, 2, 3], 2)));
    }
}
