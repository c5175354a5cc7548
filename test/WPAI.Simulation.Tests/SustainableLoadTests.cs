using WPAI.Simulation.Capacity;

namespace WPAI.Simulation.Tests;

public sealed class SustainableLoadTests
{
    private static Func<double, Task<LoadProbe>> Threshold(double limit) =>
        load => Task.FromResult(new LoadProbe(load, load <= limit ? 60 : 7200, 0, load <= limit));

    [Fact]
    public async Task Find_ReturnsTheLastSustainedGridLoad_ByACoarseClimbThenBisection()
    {
        var found = await SustainableLoadSearch.FindAsync("p", new SustainableCriteria(), Threshold(0.73));

        Assert.Equal(0.7, found.Load, 6);
        Assert.Equal(0.75, found.FirstUnsustained!.Value, 6);
        Assert.Equal([0.1, 0.3, 0.5, 0.7, 0.9, 0.8, 0.75], found.Probes.Select(p => Math.Round(p.Load, 6)));
    }

    [Fact]
    public async Task Find_ClimbStopsAtTheHighestGridLoad()
    {
        var found = await SustainableLoadSearch.FindAsync("p", new SustainableCriteria { High = 0.6 }, Threshold(0.55));

        Assert.Equal(0.55, found.Load, 6);
        Assert.Equal(0.6, found.FirstUnsustained!.Value, 6);
        Assert.Equal([0.1, 0.3, 0.5, 0.6, 0.55], found.Probes.Select(p => Math.Round(p.Load, 6)));
    }

    [Fact]
    public async Task Find_ReportsZero_WhenEvenTheLowestLoadIsNotSustained()
    {
        var found = await SustainableLoadSearch.FindAsync("p", new SustainableCriteria(), Threshold(0.05));

        Assert.Equal(0, found.Load);
        Assert.Equal(0.1, found.FirstUnsustained);
        Assert.Single(found.Probes);
    }

    [Fact]
    public async Task Find_ReportsTheHighestLoad_WhenItIsSustained()
    {
        var found = await SustainableLoadSearch.FindAsync("p", new SustainableCriteria { High = 1.5 }, Threshold(9));

        Assert.Equal(1.5, found.Load);
        Assert.Null(found.FirstUnsustained);
    }

    [Theory]
    [InlineData(3600, 0.01, true)]
    [InlineData(3601, 0.0, false)]
    [InlineData(60, 0.011, false)]
    public void Sustains_NeedsBothBounds(double p95, double backlog, bool expected) =>
        Assert.Equal(expected, new SustainableCriteria().Sustains(p95, backlog));
}
