using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>
/// Forecast-sized lending (<see cref="MixingSettings.LendToForecast"/>) on hand-built pools with exact expectations: the
/// online part is sized to the forecast peak at the target rate, whatever the current rate, least-used nodes first.
/// </summary>
public sealed class ForecastSizedLendingTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 20, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LongAgo = Now.AddDays(-1);
    private static readonly MixingSettings Threshold = MixingSettings.Default;
    private static readonly MixingSettings Sized = Threshold with { LendToForecast = true };

    private static MixingNode Online(string name, int gpus, int replicaGpus) => new(name, NodeMode.OnlineNormal, null, gpus, replicaGpus, [], LongAgo);

    private static DemandPoint[] Flat(double gpus, double hours) =>
        [.. Enumerable.Range(1, (int)(hours * 12)).Select(i => new DemandPoint(Now.AddMinutes(5 * i), gpus))];

    private static MixingSnapshot Snapshot(double demand, MixingNode[] nodes, DemandPoint[]? forecast = null) =>
        new(Now, [.. nodes], demand, [], [.. forecast ?? []]);

    private static string[] Lends(MixingPlan plan) => [.. plan.Handovers.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => h.Node)];

    // 4 × 8 GPUs; replicas a 4, b 3, c 3, d 0; demand 10 GPUs: rate 0.31, inside the band [0.3, 0.8].
    private static MixingNode[] Pool() => [Online("a", 8, 4), Online("b", 8, 3), Online("c", 8, 3), Online("d", 8, 0)];

    [Fact]
    public void Decide_LendToForecast_LendsDownToTheTargetRateInsideTheBand()
    {
        Assert.Empty(MixingPolicy.Decide(Threshold, Snapshot(10, Pool(), Flat(10, 4))).Handovers); // the band: hold
        Assert.Equal(["d"], Lends(MixingPolicy.Decide(Threshold with { LendOnValley = true }, Snapshot(10, Pool(), Flat(10, 4))))); // 10/16 ≥ mid 0.55

        var plan = MixingPolicy.Decide(Sized, Snapshot(10, Pool(), Flat(10, 4)));

        // d (no replicas) → 10/24 = 0.42; b (3, before c by name) → 10/16 = 0.625 ≤ 0.7; one more would give 10/8.
        Assert.Equal(["d", "b"], Lends(plan));
        Assert.Contains("sized to the forecast at 0.70", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_LendToForecast_KeepsWhatTheForecastPeakNeedsWhenTheRateIsLow()
    {
        // Demand 4 (rate 0.125 < min): the threshold lends while the rate after stays under 0.55: d, b, c.
        MixingNode[] nodes = [Online("a", 8, 2), Online("b", 8, 1), Online("c", 8, 1), Online("d", 8, 0)];
        DemandPoint[] rising = [.. Flat(4, 2), new DemandPoint(Now.AddHours(2.5), 16)];
        Assert.Equal(["d", "b", "c"], Lends(MixingPolicy.Decide(Threshold, Snapshot(4, nodes, rising))));

        // The forecast peak of 16 GPUs within 3 h needs 16 / 0.7 = 22.9 GPUs online: only d goes (16/24 = 0.67).
        Assert.Equal(["d"], Lends(MixingPolicy.Decide(Sized, Snapshot(4, nodes, rising))));
    }

    [Fact]
    public void Decide_LendToForecast_WithAPeakAboveTheTarget_LendsNothing()
    {
        Assert.Empty(MixingPolicy.Decide(Sized, Snapshot(10, Pool(), [.. Flat(10, 1), new DemandPoint(Now.AddHours(2), 23)])).Handovers);
    }

    [Fact]
    public void Decide_LendToForecast_WithoutForecast_FallsBackToTheThreshold()
    {
        Assert.Empty(MixingPolicy.Decide(Sized, Snapshot(10, Pool())).Handovers);
        Assert.Equal(["d", "b", "c"], Lends(MixingPolicy.Decide(Sized, Snapshot(4, [Online("a", 8, 2), Online("b", 8, 1), Online("c", 8, 1), Online("d", 8, 0)]))));
    }

    [Fact]
    public void Decide_LendToForecast_GivesTheLentNodesTheirExpectedReclaimTimes()
    {
        // Lends d and b (the 3-hour peak is 10); at 5 h the forecast rises to 18: 18/16 > 0.8 brings b back (first in
        // reclaim order: both idle, b before d by name), after which 18/24 = 0.75 keeps d lent.
        DemandPoint[] evening = [.. Flat(10, 4), new DemandPoint(Now.AddHours(5), 18)];
        var plan = MixingPolicy.Decide(Sized with { AvoidDoomedPlacement = true }, Snapshot(10, Pool(), evening));

        Assert.Equal(["d", "b"], Lends(plan));
        Assert.Equal(Now.AddHours(5) + Threshold.ReclaimGrace, plan.ReclaimBy["b"]);
        Assert.False(plan.ReclaimBy.ContainsKey("d"));
    }

    [Fact]
    public void Decide_LendToForecast_AboveMaxRate_StillReclaims()
    {
        var lent = new MixingNode("x", NodeMode.OfflineNormal, null, 8, 0, [], LongAgo);
        MixingNode[] nodes = [Online("a", 8, 7), Online("b", 8, 7), lent];
        Assert.Equal(["x"], MixingPolicy.Decide(Sized, Snapshot(14, nodes, Flat(14, 4))).Handovers.Select(h => h.Node));
    }

    [Fact]
    public void DemandForecastSpan_CoversTheSizingHorizon()
    {
        Assert.Equal(TimeSpan.FromHours(3), MixingPolicy.DemandForecastSpan(Sized, TimeSpan.FromDays(1)));
        Assert.Equal(TimeSpan.Zero, MixingPolicy.DemandForecastSpan(Sized with { Policy = MixingPolicyKind.TimeWindow }, TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.3)]
    [InlineData(0)]
    public void Validate_TargetOutsideTheBand_NamesTheSetting(double target)
    {
        var e = Assert.Throws<WpaiValidationException>(() => MixingPolicy.Validate(Sized with { LendTargetRate = target }));
        Assert.Equal("settings.lendTargetRate", e.Field);
        MixingPolicy.Validate(Threshold with { LendTargetRate = target }); // ignored while sizing is off
        MixingPolicy.Validate(Sized);
    }
}
