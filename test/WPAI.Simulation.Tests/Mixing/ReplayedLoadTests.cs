using WPAI.Simulation.Mixing;
using WPAI.Simulation.Replay;

namespace WPAI.Simulation.Tests.Mixing;

public sealed class ReplayedLoadTests
{
    [Fact]
    public void Read_AlignsDayZeroWithTheOriginsWeekdayAndRepeatsWholeWeeks()
    {
        using var dir = new TempDir();
        var load = ReplayedLoad.Read(MixingFixtures.Load(dir), GrainReplayEngine.Origin);

        Assert.Equal(new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero), load.FirstDay);
        Assert.Equal(7, load.CycleDays);
        Assert.Equal(5, load.Raw(TimeSpan.FromHours(3)));
        Assert.Equal(100, load.Raw(TimeSpan.FromHours(12)));
        Assert.Equal(load.Raw(TimeSpan.FromHours(12.25)), load.Raw(TimeSpan.FromDays(7) + TimeSpan.FromHours(12.25)));
        Assert.Equal(52.5, load.Raw(TimeSpan.FromHours(7.75)), 6); // halfway between 5 (07:30) and 100 (08:00)
    }

    [Fact]
    public void Scenario_SplitsHalfOfEachPoolOnlineAndSizesServicesToTheMedianPeak()
    {
        using var dir = new TempDir();
        var a = MixingFixtures.Options(dir);

        var s = MixingScenario.Prepare(a);

        var t4 = s.Pools.Single(p => p.Pool == "T4");
        Assert.Equal(["t4-a", "t4-b"], t4.OnlineNodes.ToArray());
        Assert.Equal(4, t4.FixedGpus);
        Assert.Empty(s.Pools.Single(p => p.Pool == "P100").OnlineNodes);
        var service = Assert.Single(s.Services);
        Assert.Equal("T4", service.Pool);
        // 0.9 of 4 online GPUs at 35 QPS per replica at the median day's peak (100 in the file).
        Assert.Equal(0.9 * 4 * 35, service.MedianDailyPeakQps, 6);
        Assert.Equal(TimeSpan.FromHours(12), s.Workload.WindowStart);
    }
}
