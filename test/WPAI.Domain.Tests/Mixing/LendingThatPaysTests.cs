using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Mixing;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>
/// The mechanisms that make lending pay, each on a hand-built pool with exact expectations: valley lending, soonest-ending
/// reclaims, forecast drains, and run-time matching in the scheduler.
/// </summary>
public sealed class LendingThatPaysTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 20, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LongAgo = Now.AddDays(-1);
    private static readonly MixingSettings Threshold = MixingSettings.Default;
    private static readonly MixingSettings Valley = Threshold with { LendOnValley = true };

    private static MixingNode Online(string name, int gpus, int replicaGpus) => new(name, NodeMode.OnlineNormal, null, gpus, replicaGpus, [], LongAgo);

    private static MixingNode Lent(string name, int gpus, params TrainingRun[] jobs) => new(name, NodeMode.OfflineNormal, null, gpus, 0, [.. jobs], LongAgo);

    private static TrainingRun Job(string id, int gpus, double hoursAgo, double? endsInHours) =>
        new(id, gpus, Now.AddHours(-hoursAgo), endsInHours is { } h ? Now.AddHours(h) : null);

    private static DemandPoint[] Flat(double gpus, double hours) =>
        [.. Enumerable.Range(1, (int)(hours * 12)).Select(i => new DemandPoint(Now.AddMinutes(5 * i), gpus))];

    private static MixingSnapshot Snapshot(double demand, MixingNode[] nodes, DemandPoint[]? forecast = null) =>
        new(Now, [.. nodes], demand, [], [.. forecast ?? []]);

    private static string[] Lends(MixingPlan plan) => [.. plan.Handovers.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => h.Node)];

    private static string[] Reclaims(MixingPlan plan) => [.. plan.Handovers.Where(h => h.Target == NodeMode.OnlineNormal).Select(h => h.Node)];

    [Fact]
    public void Decide_ValleyLending_LendsInTheBandWhenTheForecastStaysLow()
    {
        // 4 × 8 GPUs, demand 12: rate 0.375, inside the band, so the threshold policy holds. The forecast stays at 10 GPUs
        // for 3 h: lending d (0 replicas) gives max(12, 10) / 24 = 0.5 < 0.55; lending another would give 12/16 = 0.75.
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 4), Online("c", 8, 4), Online("d", 8, 0)];
        Assert.Empty(MixingPolicy.Decide(Threshold, Snapshot(12, nodes, Flat(10, 4))).Handovers);

        var plan = MixingPolicy.Decide(Valley, Snapshot(12, nodes, Flat(10, 4)));

        Assert.Equal(["d"], Lends(plan));
        Assert.Contains("forecast valley", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ValleyLending_DoesNotLendBeforeAForecastRise()
    {
        // Rate 0.25 < min, but the forecast reaches 20 GPUs within the 3-hour horizon: 20/24 = 0.83 after one lend.
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 4), Online("c", 8, 0), Online("d", 8, 0)];
        DemandPoint[] rising = [.. Flat(8, 2), new DemandPoint(Now.AddHours(2.5), 20)];
        Assert.Equal(["c", "d"], Lends(MixingPolicy.Decide(Threshold, Snapshot(8, nodes, rising))));

        Assert.Empty(MixingPolicy.Decide(Valley, Snapshot(8, nodes, rising)).Handovers);
    }

    [Fact]
    public void Decide_ValleyLending_WithoutForecast_FallsBackToTheThreshold()
    {
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 4), Online("c", 8, 4), Online("d", 8, 0)];
        Assert.Empty(MixingPolicy.Decide(Valley, Snapshot(12, nodes)).Handovers);
    }

    [Fact]
    public void Decide_ReclaimSoonestEnding_TakesBackTheNodeWhoseJobsEndFirst()
    {
        // 14 of 16 online: one node must come back. Least work lost would pick z (1 GPU × 1 h); z's job runs 9 h more,
        // x's (4 GPUs × 3 h so far) ends in 20 minutes: soonest ending picks x.
        MixingNode[] nodes = [Online("a", 8, 7), Online("b", 8, 7), Lent("x", 8, Job("j1", 4, 3, 1.0 / 3)), Lent("z", 8, Job("j2", 1, 1, 9))];
        Assert.Equal(["z"], Reclaims(MixingPolicy.Decide(Threshold, Snapshot(14, nodes))));

        var plan = MixingPolicy.Decide(Threshold with { ReclaimSoonestEnding = true }, Snapshot(14, nodes));

        Assert.Equal(["x"], Reclaims(plan));
        Assert.Contains("jobs end soonest", plan.Handovers[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReclaimOrder_SoonestEnding_PutsIdleNodesFirstAndUnknownEndsLast()
    {
        MixingNode[] nodes = [Lent("unknown", 8, Job("u", 1, 0.1, null)), Lent("late", 8, Job("l", 1, 0.1, 5)), Lent("idle", 8), Lent("soon", 8, Job("s", 8, 4, 0.5))];
        var order = MixingPolicy.ReclaimOrder(Threshold with { ReclaimSoonestEnding = true }, nodes, Now).Select(n => n.Name);
        Assert.Equal(["idle", "soon", "late", "unknown"], order);
    }

    [Fact]
    public void DrainUntil_IsTheMarginBeforeTheForecastExceedsTheServingGpus()
    {
        var drain = Threshold with { DrainOnForecast = true };
        DemandPoint[] forecast = [new(Now.AddHours(1), 10), new(Now.AddHours(2), 17), new(Now.AddHours(3), 20)];

        Assert.Equal(Now.AddHours(2) - MixingPolicy.DrainMargin, MixingPolicy.DrainUntil(drain, [.. forecast], 16, Now));
        Assert.Equal(Now.AddHours(3), MixingPolicy.DrainUntil(drain, [.. forecast], 24, Now)); // never needed: drain to the forecast's end
        Assert.Null(MixingPolicy.DrainUntil(drain, [], 16, Now)); // no forecast: the grace applies
        Assert.Null(MixingPolicy.DrainUntil(Threshold, [.. forecast], 16, Now)); // off
    }

    [Fact]
    public void KillsNow_WithForecastDrain_WaitsPastTheGraceUntilTheForecastNeed()
    {
        var drain = Threshold with { DrainOnForecast = true };
        var since = Now.AddHours(-1); // draining for an hour: the 30-minute grace is over
        Assert.True(MixingPolicy.KillsNow(Threshold, since, Now, urgent: false));

        Assert.False(MixingPolicy.KillsNow(drain, since, Now, urgent: false, drainUntil: Now.AddMinutes(50)));
        Assert.True(MixingPolicy.KillsNow(drain, since, Now, urgent: false, drainUntil: Now));
        Assert.True(MixingPolicy.KillsNow(drain, since, Now, urgent: true, drainUntil: Now.AddHours(5)));
        Assert.True(MixingPolicy.KillsNow(drain, since, Now, urgent: false, drainUntil: null)); // no forecast: the grace
    }

    [Fact]
    public void DemandForecastSpan_CoversTheValleyAndTheDrain()
    {
        var day = TimeSpan.FromDays(1);
        Assert.Equal(TimeSpan.Zero, MixingPolicy.DemandForecastSpan(Threshold, day));
        Assert.Equal(TimeSpan.FromHours(3), MixingPolicy.DemandForecastSpan(Valley, day));
        Assert.Equal(day, MixingPolicy.DemandForecastSpan(Threshold with { DrainOnForecast = true }, day));
    }

    [Fact]
    public void Validate_ValleyWithoutHorizon_NamesTheSetting()
    {
        var e = Assert.Throws<WpaiValidationException>(() => MixingPolicy.Validate(Valley with { ValleyHorizon = TimeSpan.Zero }));
        Assert.Equal("settings.valleyHorizon", e.Field);
    }

    [Fact]
    public void RunTimeMatch_PicksTheLentNodeBackSoonestAfterTheJobEnds()
    {
        var gpus = new Resources(1, 1000, 1024);
        var free = new Resources(4, 32_000, 131_072);
        NodeSlot[] nodes =
        [
            new("fixed", NodeMode.Fixed, free, free),
            new("back-in-1h", NodeMode.OfflineNormal, free, free),
            new("back-in-3h", NodeMode.OfflineNormal, free, free),
            new("back-in-9h", NodeMode.OfflineNormal, free, free),
            new("never", NodeMode.OfflineNormal, free, free),
        ];
        var reclaimBy = new Dictionary<string, DateTimeOffset>
        {
            ["back-in-1h"] = Now.AddHours(1),
            ["back-in-3h"] = Now.AddHours(3),
            ["back-in-9h"] = Now.AddHours(9),
        };

        Assert.Equal("back-in-3h", RunTimeMatch.Choose(gpus, nodes, reclaimBy, Now, TimeSpan.FromHours(2))?.Node);
        Assert.Equal("back-in-9h", RunTimeMatch.Choose(gpus, nodes, reclaimBy, Now, TimeSpan.FromHours(4))?.Node);
        Assert.Equal("never", RunTimeMatch.Choose(gpus, nodes, reclaimBy, Now, TimeSpan.FromHours(10))?.Node);
        Assert.Null(RunTimeMatch.Choose(gpus, nodes[..2], reclaimBy, Now, TimeSpan.FromHours(2))); // only a doomed lent node: place as usual
        Assert.Null(RunTimeMatch.Choose(new Resources(8, 1000, 1024), nodes, reclaimBy, Now, TimeSpan.FromHours(2))); // fits no lent node
    }
}

/// <summary>The pool planner with <see cref="SchedulingOptions.MatchLentRunTime"/>: short jobs fill lent nodes first, long ones stay on Fixed.</summary>
public sealed class RunTimeMatchPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Resources Eight = new(8, 100, 100);

    private static PoolPlanner Planner(bool match) => new(
        PoolLedger.Of(
            "T4",
            [new NodeSlot("a-fixed", NodeMode.Fixed, Eight, new Resources(2, 100, 100)), new NodeSlot("lent-long", NodeMode.OfflineNormal, Eight, Eight), new NodeSlot("lent-soon", NodeMode.OfflineNormal, Eight, Eight)],
            [],
            new Dictionary<string, int> { ["A"] = 24 }),
        new SchedulingOptions { MatchLentRunTime = match },
        Now,
        new Dictionary<string, DateTimeOffset> { ["lent-long"] = Now.AddHours(10), ["lent-soon"] = Now.AddHours(2) });

    private static QueueEntry Job(double hours) => new("j", "A", new Resources(1, 1, 1), ["T4"], Now, TimeSpan.Zero, 1, false, TimeSpan.FromHours(hours));

    [Fact]
    public void Decide_Matching_PutsAShortJobOnTheLentNodeBackSoonestAfterItsEnd()
    {
        Assert.Equal("a-fixed", Planner(match: false).Decide(Job(1)).Node); // best fit: the fullest node
        Assert.Equal("lent-soon", Planner(match: true).Decide(Job(1)).Node);
        Assert.Equal("lent-long", Planner(match: true).Decide(Job(5)).Node);
    }

    [Fact]
    public void Decide_Matching_KeepsLongJobsOnFixedNodes()
    {
        Assert.Equal("a-fixed", Planner(match: true).Decide(Job(13)).Node);
    }
}
