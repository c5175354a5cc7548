using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>Age keeps ordering jobs past the aging cap, so the utilization penalty cannot hold a job back for ever.</summary>
public sealed class AgeOrderPastCapTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static QueueEntry Job(string id, string department, double hoursWaited, int gpus = 1) =>
        new(id, department, new Resources(gpus, 1, 1), ["T4"], Now.AddHours(-hoursWaited), TimeSpan.Zero, 1);

    /// <summary>Department "idle" has a recent utilization of 0.1 (penalty 450 points), "busy" of 1.0 (none); no quotas in T4, so every job borrows.</summary>
    private static PoolPlanner Planner(SchedulingOptions options, IReadOnlyDictionary<string, int>? quotas = null)
    {
        var ledger = PoolLedger.Of("T4", [], [], quotas ?? new Dictionary<string, int>());
        ledger.RecordUtilization("idle", 0.1);
        ledger.RecordUtilization("busy", 1.0);
        return new PoolPlanner(ledger, options, Now);
    }

    [Fact]
    public void Rank_PastTheCap_LongestWaitFirst_WhateverThePenalty()
    {
        var ranked = Planner(new SchedulingOptions()).Rank([Job("busy-1h", "busy", 1), Job("busy-10h", "busy", 10), Job("idle-20h", "idle", 20)]);
        Assert.Equal(["idle-20h", "busy-10h", "busy-1h"], ranked.Select(r => r.Entry.JobId));
        Assert.Equal(1_000 + 480 - 450, ranked[0].Score, 9); // the score itself stays bounded
    }

    [Fact]
    public void Rank_CappedAging_PenaltyKeepsAnOlderJobBehindForEver()
    {
        var ranked = Planner(new SchedulingOptions { AgeOrdersPastCap = false }).Rank([Job("busy-1h", "busy", 1), Job("busy-10h", "busy", 10), Job("idle-20h", "idle", 20)]);
        Assert.Equal(["busy-10h", "busy-1h", "idle-20h"], ranked.Select(r => r.Entry.JobId)); // 1,480 > 1,060 > 1,030
    }

    [Fact]
    public void Rank_BelowTheCap_TheScoreOrders()
    {
        var ranked = Planner(new SchedulingOptions()).Rank([Job("idle-7h", "idle", 7), Job("busy-1h", "busy", 1)]);
        Assert.Equal(["busy-1h", "idle-7h"], ranked.Select(r => r.Entry.JobId)); // 1,060 > 1,000 + 420 − 450 = 970
    }

    [Fact]
    public void Rank_PastTheCap_OwnTierStillAheadOfAnOlderBorrowedJob()
    {
        var ranked = Planner(new SchedulingOptions(), new Dictionary<string, int> { ["busy"] = 4 })
            .Rank([Job("idle-30h", "idle", 30), Job("busy-1h", "busy", 1)]);
        Assert.Equal(["busy-1h", "idle-30h"], ranked.Select(r => r.Entry.JobId));
        Assert.Equal([Tier.Own, Tier.Borrowed], ranked.Select(r => r.Tier));
    }

    [Fact]
    public void Rank_PastTheCap_CarriedWaitOfAPreemptedJobCounts()
    {
        var preempted = new QueueEntry("preempted", "busy", new Resources(1, 1, 1), ["T4"], Now.AddHours(-1), TimeSpan.FromHours(12), 2);
        var ranked = Planner(new SchedulingOptions()).Rank([Job("idle-10h", "idle", 10), preempted]);
        Assert.Equal(["preempted", "idle-10h"], ranked.Select(r => r.Entry.JobId)); // 13 h waited in all
    }
}

/// <summary>A starving job reserves the node expected to fit it soonest; later-ranked jobs are kept off it.</summary>
public sealed class NodeReservationTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static NodeSlot Node(string name, int free, NodeMode mode = NodeMode.Fixed, int capacity = 8) =>
        new(name, mode, new Resources(capacity, 64_000, 512_000), new Resources(free, 32_000, 256_000));

    private static QueueEntry Job(string id, int gpus, double hoursWaited) =>
        new(id, "A", new Resources(gpus, 1_000, 1_000), ["G3"], Now.AddHours(-hoursWaited), TimeSpan.Zero, 1);

    private static PassPlan Plan(SchedulingOptions options, IReadOnlyCollection<QueueEntry> queue, params NodeSlot[] nodes) =>
        PoolPlanner.PlanPass(queue, PoolLedger.Of("G3", nodes, [], new Dictionary<string, int> { ["A"] = 16 }), options, Now);

    [Fact]
    public void PlanPass_StarvingLargeJob_ReservesTheMostFreeNode_AndKeepsLaterJobsOffIt()
    {
        var plan = Plan(new SchedulingOptions(), [Job("big", 8, 9), Job("three", 3, 1), Job("two", 2, 0.5)], Node("n1", 5), Node("n2", 2));

        Assert.Equal([("two", "n2")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        var reasons = plan.Waiting.ToDictionary(w => w.Entry.JobId, w => w.Reason);
        Assert.Equal(
            "reserved node n1 for this job (waited 9 h, past 8 h): no node has 8 GPU, 1000m CPU, 1000 MiB free (n1 has 5 GPU, 32000m CPU, 256000 MiB); no job ranked after it is placed there until it fits",
            reasons["big"]);
        Assert.Equal("node n1 has room but is reserved for job big, which has waited 9 h and fits no node yet", reasons["three"]);
    }

    [Fact]
    public void PlanPass_ReservationOff_LaterJobsFillTheNode()
    {
        var plan = Plan(new SchedulingOptions { Reservation = false }, [Job("big", 8, 9), Job("three", 3, 1), Job("two", 2, 0.5)], Node("n1", 5), Node("n2", 2));
        Assert.Equal([("three", "n1"), ("two", "n1")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
    }

    [Fact]
    public void PlanPass_HeadBelowTheThreshold_ReservesNothing()
    {
        var plan = Plan(new SchedulingOptions(), [Job("big", 8, 7.9), Job("three", 3, 1)], Node("n1", 5), Node("n2", 2));
        Assert.Equal([("three", "n1")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        Assert.StartsWith("no capacity in pool G3", plan.Waiting.Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanPass_OneReservationPerPool_ForTheFirstStarvingJobInRankOrder()
    {
        var plan = Plan(new SchedulingOptions(), [Job("big-old", 8, 20), Job("big-newer", 7, 10), Job("two", 2, 0.5)], Node("n1", 5), Node("n2", 2));
        var reasons = plan.Waiting.ToDictionary(w => w.Entry.JobId, w => w.Reason);
        Assert.StartsWith("reserved node n1 for this job (waited 20 h", reasons["big-old"], StringComparison.Ordinal);
        Assert.StartsWith("no capacity in pool G3", reasons["big-newer"], StringComparison.Ordinal);
        Assert.Equal([("two", "n2")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
    }

    [Fact]
    public void PlanPass_StarvingJobThatFits_IsPlacedAndReservesNothing()
    {
        var plan = Plan(new SchedulingOptions(), [Job("old", 4, 20), Job("three", 3, 1)], Node("n1", 5), Node("n2", 3));
        Assert.Equal([("old", "n1"), ("three", "n2")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
    }

    [Fact]
    public void PlanPass_JobOfferedHereAsAFallback_ReservesOnlyInItsFirstPool()
    {
        var fallback = Job("big", 8, 9) with { Pools = ["G2", "G3"] };
        var plan = Plan(new SchedulingOptions(), [fallback, Job("three", 3, 1)], Node("n1", 5), Node("n2", 2));
        Assert.Equal([("three", "n1")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        Assert.StartsWith("no capacity in pool G3", plan.Waiting.Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ChooseNode_MostFreeAmongNodesThatCanHostIt_OnSchedulableModes()
    {
        var nodes = new[] { Node("small", 4, capacity: 4), Node("down", 7, NodeMode.Down), Node("a", 3), Node("b", 6) };
        var modes = NodeModes.TrainingModes(longRunning: false);
        Assert.Equal("b", NodeReservation.ChooseNode(new Resources(8, 1, 1), nodes, m => modes.Contains(m))!.Node);
        Assert.Null(NodeReservation.ChooseNode(new Resources(16, 1, 1), nodes, m => modes.Contains(m)));
    }

    [Fact]
    public void Validate_Throws_OnANegativeReservationThreshold()
    {
        var error = Assert.Throws<WpaiValidationException>(new SchedulingOptions { ReservationAfter = TimeSpan.FromHours(-1) }.Validate);
        Assert.Equal("Wpai:Scheduling:ReservationAfter", error.Field);
    }
}
