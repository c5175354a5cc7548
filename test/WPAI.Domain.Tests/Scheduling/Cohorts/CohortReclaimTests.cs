using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling.Cohorts;

public sealed class CohortReclaimTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // One 4-GPU node; A and B own 2 GPUs each. B holds 3 (one started as borrowed, the two newest as own), A holds 1.
    private static PoolLedger Ledger() => PoolLedger.Of(
        "T4",
        [new NodeSlot("n1", NodeMode.Fixed, new Resources(4, 100, 100), new Resources(0, 96, 96))],
        [
            new RunningJob("a1", "A", "n1", new Resources(1, 1, 1), Tier.Own, 1_000_000, Now.AddMinutes(-30)),
            new RunningJob("b-old", "B", "n1", new Resources(1, 1, 1), Tier.Borrowed, 1_000, Now.AddMinutes(-20)),
            new RunningJob("b-new1", "B", "n1", new Resources(1, 1, 1), Tier.Own, 1_000_000, Now.AddMinutes(-10)),
            new RunningJob("b-new2", "B", "n1", new Resources(1, 1, 1), Tier.Own, 1_000_000, Now.AddMinutes(-5)),
        ],
        new Dictionary<string, int> { ["A"] = 2, ["B"] = 2 });

    private static QueueEntry Entry(TimeSpan queuedFor) => new("a2", "A", new Resources(1, 1, 1), ["T4"], Now - queuedFor, TimeSpan.Zero, 1);

    [Fact]
    public void ChooseVictims_TakesNewestJobOfTheDepartmentAboveItsQuota_WhateverTierItStartedIn()
    {
        var ledger = Ledger();

        var plan = CohortReclaim.ChooseVictims(Entry(TimeSpan.Zero), ledger.Nodes.Values, [.. ledger.Running.Values], ledger.Quotas, Now, _ => true, _ => true);

        Assert.NotNull(plan);
        Assert.Equal("n1", plan.Node);
        Assert.Equal(["b-new2"], plan.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void ChooseVictims_NeverTargetsAJobItMayNotPreempt_ButCountsItsUsage()
    {
        var ledger = Ledger();

        var plan = CohortReclaim.ChooseVictims(Entry(TimeSpan.Zero), ledger.Nodes.Values, [.. ledger.Running.Values], ledger.Quotas, Now, _ => true, r => r.JobId != "b-new2");

        Assert.Equal(["b-new1"], plan!.Victims.Select(v => v.JobId)); // B is still above its quota with b-new2 counted
    }

    [Theory]
    [InlineData(VictimRule.ReclaimWithinCohort)]
    [InlineData(VictimRule.LowestScore)]
    [InlineData(VictimRule.LeastLostWork)]
    public void PlanPass_NeverPreemptsAJobThePassItselfStarts(VictimRule rule)
    {
        // One 4-GPU node with 1 GPU free; A owns 2 and holds 1, B owns 2 and holds 2. The queue: B's b3 first (it takes the
        // free GPU, borrowed), then A's own-quota a2, which must make room on the node. The newest B job is b3, placed by
        // this very pass: a pass never starts a job and preempts it (the two calls would race).
        var ledger = PoolLedger.Of(
            "T4",
            [new NodeSlot("n1", NodeMode.Fixed, new Resources(4, 100, 100), new Resources(1, 97, 97))],
            [
                new RunningJob("a1", "A", "n1", new Resources(1, 1, 1), Tier.Own, 1_000_000, Now.AddMinutes(-30)),
                new RunningJob("b1", "B", "n1", new Resources(1, 1, 1), Tier.Own, 1_000_000, Now.AddMinutes(-20)),
                new RunningJob("b2", "B", "n1", new Resources(1, 1, 1), Tier.Borrowed, 1_000, Now.AddMinutes(-10)),
            ],
            new Dictionary<string, int> { ["A"] = 2, ["B"] = 2 });
        var options = new SchedulingOptions { Victims = rule, Order = QueueOrder.Fifo, PreemptionDelay = TimeSpan.Zero, TryNextPoolBeforePreempting = false };
        QueueEntry b3 = new("b3", "B", new Resources(1, 1, 1), ["T4"], Now.AddMinutes(-2), TimeSpan.Zero, 1);
        QueueEntry a2 = new("a2", "A", new Resources(1, 1, 1), ["T4"], Now.AddMinutes(-1), TimeSpan.Zero, 1);

        var plan = PoolPlanner.PlanPass([b3, a2], ledger, options, Now);

        // Whatever the rule, no action preempts a job another action of the pass starts, and a2 gets its GPU.
        var placed = plan.Actions.Select(a => a.Entry.JobId).ToHashSet(StringComparer.Ordinal);
        Assert.All(plan.Actions, a => Assert.DoesNotContain(a.Decision.Preemption?.Victims.Select(v => v.JobId) ?? [], placed.Contains));
        Assert.Contains("a2", placed);
        if (rule == VictimRule.ReclaimWithinCohort)
        {
            // Kueue: targets come from the jobs running before the pass, so b3 stays placed and a2 reclaims b2.
            Assert.Contains("b3", placed);
            Assert.Equal(["b2"], Assert.Single(plan.Actions, a => a.Entry.JobId == "a2").Decision.Preemption!.Victims.Select(v => v.JobId));
        }
    }

    [Fact]
    public void ChooseVictims_LowestScoreRule_TakesTheBorrowedTierJobInstead()
    {
        var ledger = Ledger();

        var plan = PreemptionPolicy.ChooseVictims(new Resources(1, 1, 1), ledger.Nodes.Values, [.. ledger.Running.Values], _ => true);

        Assert.Equal(["b-old"], plan!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void ChooseVictims_ReturnsNull_WhenNoDepartmentIsAboveItsQuota()
    {
        var ledger = PoolLedger.Of(
            "T4",
            [new NodeSlot("n1", NodeMode.Fixed, new Resources(2, 100, 100), new Resources(0, 98, 98))],
            [new RunningJob("b1", "B", "n1", new Resources(2, 1, 1), Tier.Own, 1_000_000, Now)],
            new Dictionary<string, int> { ["A"] = 0, ["B"] = 2 });

        Assert.Null(CohortReclaim.ChooseVictims(Entry(TimeSpan.Zero), ledger.Nodes.Values, [.. ledger.Running.Values], ledger.Quotas, Now, _ => true, _ => true));
    }

    [Theory]
    [InlineData(10, DecisionKind.Wait)]
    [InlineData(18, DecisionKind.Preempt)]
    public void Decide_PreemptsOnlyAfterThePreemptionDelay(int queuedSeconds, DecisionKind expected)
    {
        var options = new SchedulingOptions { Victims = VictimRule.ReclaimWithinCohort, PreemptionDelay = TimeSpan.FromSeconds(18) };

        var decision = new PoolPlanner(Ledger(), options, Now).Decide(Entry(TimeSpan.FromSeconds(queuedSeconds)));

        Assert.Equal(expected, decision.Kind);
        if (expected == DecisionKind.Preempt)
        {
            Assert.Equal(["b-new2"], decision.Preemption!.Victims.Select(v => v.JobId));
        }
    }
}
