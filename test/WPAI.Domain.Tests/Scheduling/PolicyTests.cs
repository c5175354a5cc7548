using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;
using PlacementStrategy = WPAI.Domain.Scheduling.PlacementStrategy;

namespace WPAI.Domain.Tests.Scheduling;

public sealed class PriorityScoreTests
{
    private readonly SchedulingOptions _options = new();

    [Theory]
    [InlineData(Tier.Own, 0, 1.0, 1_000_000)]
    [InlineData(Tier.Own, 30, 1.0, 1_000_030)]
    [InlineData(Tier.Borrowed, 30, 1.0, 1_030)]
    [InlineData(Tier.Borrowed, 10_000, 1.0, 1_480)]      // wait bonus capped at 480
    [InlineData(Tier.Borrowed, 0, 0.2, 600)]              // penalty 500 × 0.8
    [InlineData(Tier.Own, 0, 0.0, 999_500)]
    public void Compute_ExactValues(Tier tier, double minutes, double utilization, double expected) =>
        Assert.Equal(expected, PriorityScore.Compute(tier, TimeSpan.FromMinutes(minutes), utilization, _options), 9);

    [Fact]
    public void Compute_OwnTierStaysAboveBorrowedTier_WhateverTheAdjustments()
    {
        var worstOwn = PriorityScore.Compute(Tier.Own, TimeSpan.Zero, 0, _options);
        var bestBorrowed = PriorityScore.Compute(Tier.Borrowed, TimeSpan.FromDays(30), 1, _options);
        Assert.True(worstOwn > bestBorrowed);
    }

    [Fact]
    public void Validate_Throws_WhenTiersCouldCross()
    {
        var options = new SchedulingOptions { OwnTierBase = 1_500, BorrowedTierBase = 1_000 };
        var error = Assert.Throws<WpaiValidationException>(options.Validate);
        Assert.Equal("Wpai:Scheduling:OwnTierBase", error.Field);
    }
}

public sealed class EffectiveUtilizationTests
{
    [Fact]
    public void Compute_MeanOfLastThreeSamples_OrPeakMemoryWeighted()
    {
        var options = new SchedulingOptions();
        Assert.Equal(0.5, EffectiveUtilization.Compute([0.9, 0.4, 0.5, 0.6], 0.1, options)!.Value, 9);
        Assert.Equal(0.72, EffectiveUtilization.Compute([0.1, 0.1, 0.1], 0.8, options)!.Value, 9);
        Assert.Null(EffectiveUtilization.Compute([], 0, options));
    }
}

public sealed class RightSizingTests
{
    [Fact]
    public void Advise_FourGpusAtFortyPercent_OffersTwoGpusAndCpuFromAverage()
    {
        var advice = RightSizing.Advise(new Resources(4, 4_000, 16_000), [new RunUsage(4, 0.4, 2_000, 3_000)], new SchedulingOptions());
        Assert.NotNull(advice);
        Assert.Equal(2, advice.Gpus);
        Assert.Equal(3_000, advice.CpuRequestMilli);
        Assert.Equal(4_000, advice.CpuLimitMilli); // peak 3,000 × 1.5 = 4,500, capped at what was asked
    }

    [Fact]
    public void Advise_NeverAsksMoreThanRequestedOrLessThanOneGpu()
    {
        var options = new SchedulingOptions();
        Assert.Equal(1, RightSizing.Advise(new Resources(8, 1_000, 1), [new RunUsage(8, 0, 10, 10)], options)!.Gpus);
        Assert.Equal(2, RightSizing.Advise(new Resources(2, 1_000, 1), [new RunUsage(8, 1, 10, 10)], options)!.Gpus);
        Assert.Null(RightSizing.Advise(new Resources(2, 1_000, 1), [], options));
    }

    [Fact]
    public void Advise_UsesOnlyTheLastRuns()
    {
        var runs = new[] { new RunUsage(4, 1.0, 100, 100), new RunUsage(4, 0.25, 100, 100), new RunUsage(4, 0.25, 100, 100), new RunUsage(4, 0.25, 100, 100) };
        Assert.Equal(1, RightSizing.Advise(new Resources(4, 1_000, 1), runs, new SchedulingOptions())!.Gpus);
    }
}

public sealed class QuotaAdvisorTests
{
    [Theory]
    [InlineData(new[] { 4.0, 6.0, 8.0 }, 10, 9)]    // 0.9 × 10 > mean 6
    [InlineData(new[] { 2.0, 12.0, 10.0, 8.0 }, 10, 10)] // mean of last three = 10
    [InlineData(new double[0], 0, 0)]
    public void Advise_MaxOfRecentMeanAndWeightedPeak(double[] periods, double peak, int expected) =>
        Assert.Equal(expected, QuotaAdvisor.Advise(periods, peak));
}

public sealed class NodeChooserTests
{
    private static readonly NodeSlot[] Nodes =
    [
        new("a", NodeMode.Fixed, new Resources(8, 64_000, 1), new Resources(6, 64_000, 1)),
        new("b", NodeMode.Fixed, new Resources(8, 64_000, 1), new Resources(3, 64_000, 1)),
        new("c", NodeMode.OnlineNormal, new Resources(8, 64_000, 1), new Resources(2, 64_000, 1)),
    ];

    [Fact]
    public void Choose_BestFit_LeavesTheFewestGpusFree_OnSchedulableNodes()
    {
        var node = NodeChooser.Choose(new Resources(2, 1, 1), Nodes, PlacementStrategy.BestFit, m => m == NodeMode.Fixed);
        Assert.Equal("b", node!.Node);
    }

    [Fact]
    public void Choose_FirstFit_TakesTheFirstByName()
    {
        var node = NodeChooser.Choose(new Resources(2, 1, 1), Nodes, PlacementStrategy.FirstFit, m => m == NodeMode.Fixed);
        Assert.Equal("a", node!.Node);
    }

    [Fact]
    public void Choose_Null_WhenNothingFits() =>
        Assert.Null(NodeChooser.Choose(new Resources(7, 1, 1), Nodes, PlacementStrategy.BestFit, _ => true));
}

public sealed class PreemptionPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ChooseVictims_SmallestSetOnOneNode_LowestScoreThenMostRecent()
    {
        NodeSlot[] nodes =
        [
            new("n1", NodeMode.Fixed, new Resources(4, 100, 100), Resources.None),
            new("n2", NodeMode.Fixed, new Resources(4, 100, 100), Resources.None),
        ];
        RunningJob[] running =
        [
            new("b1", "B", "n1", new Resources(2, 10, 10), Tier.Borrowed, 1_000, T0),
            new("b2", "B", "n1", new Resources(2, 10, 10), Tier.Borrowed, 1_000, T0.AddMinutes(5)),
            new("b3", "B", "n2", new Resources(4, 10, 10), Tier.Borrowed, 1_200, T0),
            new("a1", "A", "n1", Resources.None, Tier.Own, 1_000_000, T0),
        ];

        var two = PreemptionPolicy.ChooseVictims(new Resources(2, 10, 10), nodes, running, _ => true);
        Assert.Equal("n1", two!.Node);
        Assert.Equal(["b2"], two.Victims.Select(v => v.JobId)); // equal scores: the most recently started goes

        var four = PreemptionPolicy.ChooseVictims(new Resources(4, 10, 10), nodes, running, _ => true);
        Assert.Equal("n2", four!.Node); // one victim on n2 beats two on n1
        Assert.Equal(["b3"], four.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void ChooseVictims_NeverOwnTierJobs()
    {
        NodeSlot[] nodes = [new("n1", NodeMode.Fixed, new Resources(4, 100, 100), Resources.None)];
        RunningJob[] running = [new("a1", "A", "n1", new Resources(4, 10, 10), Tier.Own, 1_000_000, T0)];
        Assert.Null(PreemptionPolicy.ChooseVictims(new Resources(1, 1, 1), nodes, running, _ => true));
    }
}

public sealed class NodeModesTests
{
    [Theory]
    [InlineData(NodeMode.OnlineNormal, NodeMode.Unnormal, true)]
    [InlineData(NodeMode.Unnormal, NodeMode.OfflineNormal, true)]
    [InlineData(NodeMode.OfflineNormal, NodeMode.Unnormal, true)]
    [InlineData(NodeMode.Unnormal, NodeMode.OnlineNormal, true)]
    [InlineData(NodeMode.OnlineNormal, NodeMode.OfflineNormal, false)]
    [InlineData(NodeMode.OfflineNormal, NodeMode.OnlineNormal, false)]
    [InlineData(NodeMode.Fixed, NodeMode.Unnormal, false)]
    [InlineData(NodeMode.Down, NodeMode.Unnormal, false)]
    public void IsLegal_FollowsTheHandoverStateMachine(NodeMode from, NodeMode to, bool legal) =>
        Assert.Equal(legal, NodeModes.IsLegal(from, to));

    [Fact]
    public void TrainingModes_LongJobsOnlyOnFixedNodes()
    {
        Assert.Equal([NodeMode.Fixed], NodeModes.TrainingModes(longRunning: true).ToArray());
        Assert.Equal([NodeMode.Fixed, NodeMode.OfflineNormal], NodeModes.TrainingModes(longRunning: false).ToArray());
        Assert.DoesNotContain(NodeMode.Unnormal, NodeModes.TrainingModes(false));
        Assert.DoesNotContain(NodeMode.Unnormal, NodeModes.InferenceModes);
    }
}

public sealed class PoolPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Decide_BorrowingOff_JobOverQuotaWaitsWithQuotaReason()
    {
        var options = new SchedulingOptions { Borrowing = false };
        var planner = new PoolPlanner(PoolLedger.Of("T4", [new NodeSlot("n1", NodeMode.Fixed, new Resources(8, 100, 100), new Resources(8, 100, 100))], [], new Dictionary<string, int> { ["A"] = 2 }), options, Now);
        var decision = planner.Decide(new QueueEntry("j", "A", new Resources(4, 1, 1), ["T4"], Now, TimeSpan.Zero, 1));
        Assert.Equal(DecisionKind.Wait, decision.Kind);
        Assert.Contains("borrowing is off", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rank_Fifo_OrdersByOriginalSubmitTime_IncludingCarriedWait()
    {
        var options = new SchedulingOptions { Order = QueueOrder.Fifo };
        var planner = new PoolPlanner(PoolLedger.Of("T4", [], [], new Dictionary<string, int>()), options, Now);
        var ranked = planner.Rank(
        [
            new QueueEntry("late", "A", new Resources(1, 1, 1), ["T4"], Now.AddMinutes(-5), TimeSpan.Zero, 1),
            new QueueEntry("preempted", "A", new Resources(1, 1, 1), ["T4"], Now.AddMinutes(-1), TimeSpan.FromMinutes(30), 2),
        ]);
        Assert.Equal(["preempted", "late"], ranked.Select(r => r.Entry.JobId));
    }

    [Fact]
    public void Decide_LongJob_OnlyOnFixedNodes()
    {
        var planner = new PoolPlanner(
            PoolLedger.Of("T4", [new NodeSlot("lent", NodeMode.OfflineNormal, new Resources(8, 100, 100), new Resources(8, 100, 100))], [], new Dictionary<string, int> { ["A"] = 8 }),
            new SchedulingOptions(),
            Now);
        var shortJob = planner.Decide(new QueueEntry("s", "A", new Resources(1, 1, 1), ["T4"], Now, TimeSpan.Zero, 1, false, TimeSpan.FromHours(1)));
        var longJob = planner.Decide(new QueueEntry("l", "A", new Resources(1, 1, 1), ["T4"], Now, TimeSpan.Zero, 1, false, TimeSpan.FromHours(13)));
        Assert.Equal(DecisionKind.Place, shortJob.Kind);
        Assert.Equal(DecisionKind.Wait, longJob.Kind);
        Assert.Contains("Fixed", longJob.Reason, StringComparison.Ordinal);
    }
}

public sealed class DoomedPlacementTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static PoolPlanner Planner(IReadOnlyDictionary<string, DateTimeOffset>? reclaimBy, params NodeSlot[] nodes) =>
        new(PoolLedger.Of("T4", nodes, [], new Dictionary<string, int> { ["A"] = 16 }), new SchedulingOptions(), Now, reclaimBy);

    private static QueueEntry Job(string id, double hours) =>
        new(id, "A", new Resources(1, 1, 1), ["T4"], Now, TimeSpan.Zero, 1, false, TimeSpan.FromHours(hours));

    [Fact]
    public void Decide_SkipsALentNodeForecastToBeReclaimedBeforeTheJobEnds()
    {
        var lent = new NodeSlot("lent", NodeMode.OfflineNormal, new Resources(8, 100, 100), new Resources(8, 100, 100));
        var planner = Planner(new Dictionary<string, DateTimeOffset> { ["lent"] = Now.AddHours(2) }, lent);
        Assert.Equal(DecisionKind.Place, planner.Decide(Job("short", 1)).Kind);
        var wait = planner.Decide(Job("too-long", 3));
        Assert.Equal(DecisionKind.Wait, wait.Kind);
        Assert.Equal("no capacity in pool T4 that outlasts the job: lent node lent is expected back for inference at 2026-01-01 14:00:00Z, before the job's expected end at 2026-01-01 15:00:00Z", wait.Reason);
        Assert.Equal(DecisionKind.Place, Planner(null, lent).Decide(Job("too-long", 3)).Kind);
    }

    [Fact]
    public void Decide_DoomedLentNodeIsSkipped_ButAFixedNodeStillTakesTheJob()
    {
        var lent = new NodeSlot("lent", NodeMode.OfflineNormal, new Resources(8, 100, 100), new Resources(1, 100, 100));
        var fixedNode = new NodeSlot("fixed", NodeMode.Fixed, new Resources(8, 100, 100), new Resources(4, 100, 100));
        var planner = Planner(new Dictionary<string, DateTimeOffset> { ["lent"] = Now.AddHours(2) }, lent, fixedNode);
        var decision = planner.Decide(Job("j", 3));
        Assert.Equal(DecisionKind.Place, decision.Kind);
        Assert.Equal("fixed", decision.Node);
        Assert.Equal("lent", Planner(null, lent, fixedNode).Decide(Job("j", 3)).Node); // best fit without the forecast
    }
}
