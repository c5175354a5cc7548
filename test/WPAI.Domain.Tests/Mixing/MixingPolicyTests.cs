using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>The mixing policy's choices on hand-built pools, with exact expected handovers.</summary>
public sealed class MixingPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 3, 0, 0, TimeSpan.Zero); // inside the default 00:00–08:00 window
    private static readonly DateTimeOffset LongAgo = Now.AddDays(-1);
    private static readonly MixingSettings Threshold = MixingSettings.Default;

    private static MixingNode Online(string name, int gpus, int replicaGpus, DateTimeOffset? lastChange = null) =>
        new(name, NodeMode.OnlineNormal, null, gpus, replicaGpus, [], lastChange ?? LongAgo);

    private static MixingNode Lent(string name, int gpus, DateTimeOffset? lastChange = null, params TrainingRun[] jobs) =>
        new(name, NodeMode.OfflineNormal, null, gpus, 0, [.. jobs], lastChange ?? LongAgo);

    private static TrainingRun Job(string id, int gpus, double hoursAgo) => new(id, gpus, Now.AddHours(-hoursAgo));

    private static MixingSnapshot Snapshot(double demand, MixingNode[] nodes, int[]? pending = null, DemandPoint[]? forecast = null) =>
        new(Now, [.. nodes], demand, [.. pending ?? []], [.. forecast ?? []]);

    private static string[] Lends(MixingPlan plan) => [.. plan.Handovers.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => h.Node)];

    private static string[] Reclaims(MixingPlan plan) => [.. plan.Handovers.Where(h => h.Target == NodeMode.OnlineNormal).Select(h => h.Node)];

    [Fact]
    public void Decide_BelowMinRate_LendsLeastUsedNodes_WhileRateStaysUnderMidpoint()
    {
        // 4 × 8 GPUs, 7 GPUs of replicas: rate 7/32 = 0.22 < 0.3. Least used first: c (0), d (1), then b (2), a (4).
        // After c: 7/24 = 0.29; after d: 7/16 = 0.44 < 0.55; after b: 7/8 = 0.875, no.
        var plan = MixingPolicy.Decide(Threshold, Snapshot(7, [Online("a", 8, 4), Online("b", 8, 2), Online("c", 8, 0), Online("d", 8, 1)]));
        Assert.Equal(["c", "d"], Lends(plan));
        Assert.Empty(Reclaims(plan));
        Assert.Equal(32, plan.OnlineGpus);
        Assert.Equal(7.0 / 32, plan.UsageRate, 9);
        Assert.Contains("below min 0.30", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WithinBand_Holds()
    {
        var plan = MixingPolicy.Decide(Threshold, Snapshot(8, [Online("a", 8, 4), Online("b", 8, 4), Lent("x", 8)]));
        Assert.Empty(plan.Handovers);
        Assert.Equal(0.5, plan.UsageRate, 9);
        Assert.Contains("hold", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AboveMaxRate_ReclaimsIdleLentNodeFirst_UntilRateIsBackUnderMax()
    {
        // 14 of 16 online GPUs: 0.875 > 0.8. Lost work: y idle (0), z 2 GPUs × 1 h (2), x 4 GPUs × 10 h (40).
        // Reclaiming y gives 14/24 = 0.58: enough.
        MixingNode[] nodes = [Online("a", 8, 7), Online("b", 8, 7), Lent("x", 8, null, Job("j1", 4, 10)), Lent("y", 8), Lent("z", 8, null, Job("j2", 2, 1))];
        var plan = MixingPolicy.Decide(Threshold, Snapshot(14, nodes));
        Assert.Equal(["y"], Reclaims(plan));
        Assert.Empty(Lends(plan));
    }

    [Fact]
    public void Decide_FarAboveMaxRate_ReclaimsInOrderOfLeastLostWork()
    {
        // 22 of 16: after y (idle) 22/24 = 0.92, after z (2 GPU-h) 22/32 = 0.69: x (40 GPU-h) keeps its job.
        MixingNode[] nodes = [Online("a", 8, 8), Online("b", 8, 8), Lent("x", 8, null, Job("j1", 4, 10)), Lent("y", 8), Lent("z", 8, null, Job("j2", 2, 1))];
        var plan = MixingPolicy.Decide(Threshold, Snapshot(22, nodes, pending: [1, 1, 1, 1, 1, 1]));
        Assert.Equal(["y", "z"], Reclaims(plan));
    }

    [Fact]
    public void Decide_LostWork_IsElapsedTimesGpus_SoAShortWideJobCanCostMoreThanALongNarrowOne()
    {
        // p: 8 GPUs × 1 h = 8 GPU-h; q: 1 GPU × 5 h = 5 GPU-h → q goes back first.
        MixingNode[] nodes = [Online("a", 8, 8), Lent("p", 8, null, Job("wide", 8, 1)), Lent("q", 8, null, Job("long", 1, 5))];
        var plan = MixingPolicy.Decide(Threshold, Snapshot(8, nodes));
        Assert.Equal(["q"], Reclaims(plan));
        Assert.Contains("5 GPU-h", plan.Handovers[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_MinDwell_KeepsARecentlyLentNode_WhenRateIsHighButNothingIsPending()
    {
        MixingNode[] nodes = [Online("a", 8, 7), Lent("x", 8, lastChange: Now.AddMinutes(-10))];
        var plan = MixingPolicy.Decide(Threshold, Snapshot(7, nodes));
        Assert.Empty(plan.Handovers);
    }

    [Fact]
    public void Decide_PendingReplicas_ReclaimDespiteMinDwell()
    {
        // Both online nodes are full; a 1-GPU replica is pending and fits nowhere.
        MixingNode[] nodes = [Online("a", 8, 8), Online("b", 8, 8), Lent("x", 8, lastChange: Now.AddMinutes(-10))];
        var plan = MixingPolicy.Decide(Threshold, Snapshot(17, nodes, pending: [1]));
        Assert.Equal(["x"], Reclaims(plan));
        Assert.Contains("pending", plan.Handovers[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PendingReplicasThatFitOnlineFreeGpus_DoNotTriggerAReclaim()
    {
        // 1 replica pending, 4 GPUs free on a: the service places it on its next evaluation. Rate 5/16 is in the band.
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 0), Lent("x", 8)];
        var plan = MixingPolicy.Decide(Threshold, Snapshot(5, nodes, pending: [1]));
        Assert.Empty(plan.Handovers);
    }

    [Fact]
    public void Decide_MinDwell_KeepsARecentlyReclaimedNodeOnline()
    {
        MixingNode[] nodes = [Online("a", 8, 0, lastChange: Now.AddMinutes(-5)), Online("b", 8, 1)];
        var plan = MixingPolicy.Decide(Threshold, Snapshot(1, nodes));
        Assert.Equal(["b"], Lends(plan)); // a would be first (least used) but moved 5 minutes ago
    }

    [Fact]
    public void Decide_NoDemand_LendsEveryOnlineNode()
    {
        var plan = MixingPolicy.Decide(Threshold, Snapshot(0, [Online("a", 8, 0), Online("b", 4, 0)]));
        Assert.Equal(["a", "b"], Lends(plan));
    }

    [Fact]
    public void Decide_Off_ReclaimsEveryLentNode_IgnoringDwell()
    {
        MixingNode[] nodes = [Online("a", 8, 0), Lent("x", 8, lastChange: Now.AddMinutes(-1), Job("j", 1, 1)), Lent("y", 8)];
        var plan = MixingPolicy.Decide(Threshold with { Policy = MixingPolicyKind.Off }, Snapshot(0, nodes));
        Assert.Equal(["x", "y"], Reclaims(plan));
        Assert.Empty(Lends(plan));
    }

    [Fact]
    public void Decide_TimeWindow_InsideLendsWhileRateStaysAtOrUnderMax()
    {
        // 6 of 24: the threshold policy would hold at 0.25 → lend only down to 6/16 = 0.375 < 0.55; the window lends
        // while ≤ 0.8: c (0 used), then b (2): 6/8 = 0.75.
        var window = Threshold with { Policy = MixingPolicyKind.TimeWindow };
        var plan = MixingPolicy.Decide(window, Snapshot(6, [Online("a", 8, 4), Online("b", 8, 2), Online("c", 8, 0)]));
        Assert.Equal(["c", "b"], Lends(plan));
    }

    [Fact]
    public void Decide_TimeWindow_OutsideReclaimsEverything()
    {
        var window = Threshold with { Policy = MixingPolicyKind.TimeWindow, WindowStart = new TimeOnly(22, 0), WindowEnd = new TimeOnly(2, 0) };
        MixingNode[] nodes = [Online("a", 8, 0), Lent("x", 8, null, Job("j", 1, 1)), Lent("y", 8, lastChange: Now.AddMinutes(-1))];
        var plan = MixingPolicy.Decide(window, Snapshot(0, nodes));
        Assert.Equal(["y", "x"], Reclaims(plan)); // least lost work first
    }

    [Fact]
    public void Decide_ReclaimAhead_ReclaimsBeforeTheForecastPeak()
    {
        // Rate 8/16 = 0.5 is inside the band, but 40 minutes ahead the forecast is 14 GPUs: 0.875 > 0.8.
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 4), Lent("x", 8), Lent("y", 8, null, Job("j", 1, 1))];
        DemandPoint[] forecast = [new(Now.AddMinutes(20), 9), new(Now.AddMinutes(40), 14), new(Now.AddHours(3), 30)];
        var ahead = Threshold with { ReclaimAhead = true, LookAheadHorizon = TimeSpan.FromHours(1) };

        var plan = MixingPolicy.Decide(ahead, Snapshot(8, nodes, forecast: forecast));
        Assert.Equal(["x"], Reclaims(plan));
        Assert.Equal(14.0 / 16, plan.ForecastRate!.Value, 9);

        var reactive = MixingPolicy.Decide(Threshold, Snapshot(8, nodes, forecast: forecast));
        Assert.Empty(reactive.Handovers);
        Assert.Null(reactive.ForecastRate);
    }

    [Fact]
    public void Decide_ReclaimAhead_PeakBeyondTheHorizonIsIgnored()
    {
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 4), Lent("x", 8)];
        var ahead = Threshold with { ReclaimAhead = true, LookAheadHorizon = TimeSpan.FromHours(1) };
        var plan = MixingPolicy.Decide(ahead, Snapshot(8, nodes, forecast: [new(Now.AddHours(2), 30)]));
        Assert.Empty(plan.Handovers);
        Assert.Null(plan.ForecastRate);
    }

    [Fact]
    public void Decide_ReclaimAhead_DoesNotLendJustBeforeAPeak()
    {
        // Rate 4/32 < 0.3 would lend (4/24 = 0.17), but 30 minutes ahead demand is 16: 16/24 = 0.67 ≥ 0.55 → no lend.
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 0), Online("c", 8, 0), Online("d", 8, 0)];
        var ahead = Threshold with { ReclaimAhead = true, LookAheadHorizon = TimeSpan.FromHours(1) };
        var plan = MixingPolicy.Decide(ahead, Snapshot(4, nodes, forecast: [new(Now.AddMinutes(30), 16)]));
        Assert.Empty(plan.Handovers);
        Assert.Equal(["b", "c", "d"], Lends(MixingPolicy.Decide(Threshold, Snapshot(4, nodes, forecast: [new(Now.AddMinutes(30), 16)]))));
    }

    [Fact]
    public void Decide_AvoidDoomedPlacement_GivesEachLentNodeItsForecastReclaimTime_InReclaimOrder()
    {
        // Online 16 GPUs. Forecast: 14 GPUs at +2 h (0.875 > 0.8 → first node back), 20 at +5 h (20/24 = 0.83 → second),
        // never above 0.8 of 32. Reclaim order: x (idle) then y (2 GPU-h). Each time is when the reclaim starts plus the
        // grace (30 minutes by default) in which the node's jobs may still end.
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 4), Lent("x", 8), Lent("y", 8, null, Job("j", 2, 1))];
        DemandPoint[] forecast = [new(Now.AddHours(1), 8), new(Now.AddHours(2), 14), new(Now.AddHours(5), 20), new(Now.AddHours(9), 25)];
        var doomed = Threshold with { AvoidDoomedPlacement = true };

        var plan = MixingPolicy.Decide(doomed, Snapshot(8, nodes, forecast: forecast));
        Assert.Empty(plan.Handovers);
        Assert.Equal(Now.AddHours(2.5), plan.ReclaimBy["x"]);
        Assert.Equal(Now.AddHours(5.5), plan.ReclaimBy["y"]);

        // With look-ahead (a) the reclaims come a horizon earlier.
        var both = doomed with { ReclaimAhead = true, LookAheadHorizon = TimeSpan.FromMinutes(30) };
        var early = MixingPolicy.Decide(both, Snapshot(8, nodes, forecast: forecast));
        Assert.Equal(Now.AddHours(2), early.ReclaimBy["x"]);
        Assert.Equal(Now.AddHours(5), early.ReclaimBy["y"]);

        // Without a grace the jobs must end when the reclaim starts.
        var noGrace = MixingPolicy.Decide(doomed with { ReclaimGrace = TimeSpan.Zero }, Snapshot(8, nodes, forecast: forecast));
        Assert.Equal(Now.AddHours(2), noGrace.ReclaimBy["x"]);
        Assert.Equal(Now.AddHours(5), noGrace.ReclaimBy["y"]);

        Assert.Empty(MixingPolicy.Decide(Threshold, Snapshot(8, nodes, forecast: forecast)).ReclaimBy);
        Assert.Empty(MixingPolicy.Decide(doomed, Snapshot(8, nodes)).ReclaimBy); // no forecast, no restriction
    }

    [Fact]
    public void Decide_BusiestDayReclaimTimes_GivesReclaimTimesFromTheBusiestRecentDay()
    {
        // The mean of the recent days crosses 0.8 of the 16 online GPUs at +5 h (14); the busiest of them already at
        // +2 h (13 > 12.8), and 20 of 24 GPUs (0.83) at +5 h. The lending decision is the mean's in both cases.
        MixingNode[] nodes = [Online("a", 8, 4), Online("b", 8, 4), Lent("x", 8), Lent("y", 8, null, Job("j", 2, 1))];
        DemandPoint[] forecast = [new(Now.AddHours(1), 8, 8), new(Now.AddHours(2), 9, 13), new(Now.AddHours(5), 14, 20), new(Now.AddHours(9), 15, 18)];
        var doomed = Threshold with { AvoidDoomedPlacement = true, ReclaimGrace = TimeSpan.Zero };

        var mean = MixingPolicy.Decide(doomed, Snapshot(8, nodes, forecast: forecast));
        Assert.Equal(Now.AddHours(5), mean.ReclaimBy["x"]);
        Assert.False(mean.ReclaimBy.ContainsKey("y"));

        var busiest = MixingPolicy.Decide(doomed with { BusiestDayReclaimTimes = true }, Snapshot(8, nodes, forecast: forecast));
        Assert.Equal(Now.AddHours(2), busiest.ReclaimBy["x"]);
        Assert.Equal(Now.AddHours(5), busiest.ReclaimBy["y"]);
        Assert.Equal(mean.Handovers, busiest.Handovers);
    }

    [Fact]
    public void Decide_AvoidDoomedPlacement_TimeWindowNodesGoBackAtTheWindowsEnd()
    {
        var window = Threshold with { Policy = MixingPolicyKind.TimeWindow, AvoidDoomedPlacement = true };
        var plan = MixingPolicy.Decide(window, Snapshot(4, [Online("a", 8, 4), Online("b", 8, 0), Lent("x", 8)]));
        Assert.Equal(["b"], Lends(plan));
        var end = new DateTimeOffset(2026, 3, 2, 8, 30, 0, TimeSpan.Zero); // the window's end plus the 30 minutes' grace
        Assert.Equal(end, plan.ReclaimBy["x"]);
        Assert.Equal(end, plan.ReclaimBy["b"]);
    }

    [Fact]
    public void Decide_UnnormalNodes_AreNeitherLentNorReclaimed_ButCountOnTheirTargetsSide()
    {
        MixingNode[] nodes =
        [
            Online("a", 8, 4),
            new("back", NodeMode.Unnormal, NodeMode.OnlineNormal, 8, 0, [], Now.AddMinutes(-1)),
            new("going", NodeMode.Unnormal, NodeMode.OfflineNormal, 8, 0, [], Now.AddMinutes(-1)),
        ];
        var plan = MixingPolicy.Decide(Threshold, Snapshot(12, nodes));
        Assert.Equal(16, plan.OnlineGpus); // a + back
        Assert.Empty(plan.Handovers); // 0.75 in the band; the draining nodes are the controller's to finish
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(4, 16, 0.25)]
    [InlineData(3, 0, MixingPolicy.OverloadRate)]
    public void Rate_IsDemandOverOnlineCapacity(double demand, int online, double expected) =>
        Assert.Equal(expected, MixingPolicy.Rate(demand, online), 9);

    [Theory]
    [InlineData(3, 0, 0, 8, true)]
    [InlineData(8, 0, 0, 8, false)]
    [InlineData(23, 30, 22, 2, true)]  // wraps midnight
    [InlineData(1, 59, 22, 2, true)]
    [InlineData(2, 0, 22, 2, false)]
    public void InWindow_HandlesWindowsAcrossMidnight(int hour, int minute, int start, int end, bool inside) =>
        Assert.Equal(inside, MixingPolicy.InWindow(new DateTimeOffset(2026, 3, 2, hour, minute, 0, TimeSpan.Zero), new TimeOnly(start, 0), new TimeOnly(end, 0)));

    [Fact]
    public void NextWindowEnd_IsTodayOrTomorrow()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), MixingPolicy.NextWindowEnd(Now, new TimeOnly(8, 0)));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero), MixingPolicy.NextWindowEnd(Now, new TimeOnly(2, 0)));
    }

    [Fact]
    public void FitsPending_BestFitLargestFirst()
    {
        Assert.True(MixingPolicy.FitsPending([2, 1], [1, 2]));
        Assert.False(MixingPolicy.FitsPending([2, 2], [1, 3]));
        Assert.True(MixingPolicy.FitsPending([], []));
    }

    public static TheoryData<MixingSettings, string> BadSettings => new()
    {
        { Threshold with { MinRate = -0.1 }, "settings.minRate" },
        { Threshold with { MinRate = 1 }, "settings.minRate" },
        { Threshold with { MaxRate = 0.3 }, "settings.maxRate" },
        { Threshold with { MaxRate = 1.2 }, "settings.maxRate" },
        { Threshold with { MinRate = double.NaN }, "settings.minRate" },
        { Threshold with { MinDwell = TimeSpan.FromMinutes(-1) }, "settings.minDwell" },
        { Threshold with { ReclaimAhead = true, LookAheadHorizon = TimeSpan.Zero }, "settings.lookAheadHorizon" },
        { Threshold with { ReclaimGrace = TimeSpan.FromMinutes(-1) }, "settings.reclaimGrace" },
        { Threshold with { TickInterval = TimeSpan.FromMilliseconds(10) }, "settings.tickInterval" },
        { Threshold with { Policy = MixingPolicyKind.TimeWindow, WindowEnd = new TimeOnly(0, 0) }, "settings.windowEnd" },
        { Threshold with { Policy = (MixingPolicyKind)7 }, "settings.policy" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_RejectsBadSettings_NamingTheField(MixingSettings settings, string field)
    {
        var e = Assert.Throws<WpaiValidationException>(() => MixingPolicy.Validate(settings));
        Assert.Equal(field, e.Field);
        Assert.NotNull(e.Fix);
    }

    [Fact]
    public void KillsNow_OnlyWhenUrgentOrTheGraceIsOver()
    {
        var since = Now.AddMinutes(-10);
        Assert.False(MixingPolicy.KillsNow(Threshold, since, Now, urgent: false));
        Assert.True(MixingPolicy.KillsNow(Threshold, since, Now, urgent: true));
        Assert.True(MixingPolicy.KillsNow(Threshold, Now.AddMinutes(-30), Now, urgent: false));
        Assert.True(MixingPolicy.KillsNow(Threshold with { ReclaimGrace = TimeSpan.Zero }, Now, Now, urgent: false));
    }

    [Theory]
    [InlineData(10, 16, 0, false)]
    [InlineData(16, 16, 0, false)]
    [InlineData(17, 16, 0, true)]
    [InlineData(4, 16, 1, true)]
    public void ReclaimIsUrgent_WhenReplicasPendOrDemandExceedsTheServingGpus(double demand, int serving, int pending, bool urgent) =>
        Assert.Equal(urgent, MixingPolicy.ReclaimIsUrgent(demand, serving, pending));

    [Fact]
    public void Validate_AcceptsTheDefaults() => MixingPolicy.Validate(MixingSettings.Default);
}
