using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// What a pass allocates for a job that waits, and that the planner's borrowed jobs by node (built once per pass for
/// preemption, <see cref="BorrowedByNode"/>) follow the pass's own evictions and placements.
/// </summary>
public sealed class PlannerAllocationTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static QueueEntry Job(string id, int gpus, int minutesWaited, string department = "A") =>
        new(id, department, new Resources(gpus, 1_000, 1_000), ["G"], Now.AddMinutes(-minutesWaited), TimeSpan.Zero, 1);

    private static RunningJob Running(string id, string department, string node, int gpus, Tier tier, TimeSpan ran) =>
        new(id, department, node, new Resources(gpus, 1_000, 1_000), tier, 0, Now - ran);

    [Fact]
    public void PlanPass_OwnTierJobsThatCannotPreempt_AllocateUnder2KBEach()
    {
        // 50 full nodes, each running a borrowed and an own 4-GPU job: evicting the borrowed one leaves 4 GPUs, so none of
        // the 200 queued 8-GPU own-tier jobs can be placed or preempt for. Each one's preemption search used to group every
        // running job by node again and copy them all, and its reason was formatted anew: about 9 KB per job here.
        var nodes = Enumerable.Range(0, 50).Select(i => EightGpuNodes.WithFree($"n{i:D2}", 0)).ToArray();
        var running = nodes.SelectMany(n => new[]
        {
            Running("b-" + n.Node, "B", n.Node, 4, Tier.Borrowed, TimeSpan.FromHours(1)),
            Running("a-" + n.Node, "A", n.Node, 4, Tier.Own, TimeSpan.FromHours(1)),
        }).ToArray();
        var ledger = PoolLedger.Of("G", nodes, running, new Dictionary<string, int> { ["A"] = 10_000 });
        var queue = Enumerable.Range(0, 200).Select(i => Job($"q{i:D3}", 8, i)).ToArray();
        var options = new SchedulingOptions();
        _ = PoolPlanner.PlanPass(queue, ledger, options, Now); // compiles the code paths first

        var before = GC.GetAllocatedBytesForCurrentThread();
        var plan = PoolPlanner.PlanPass(queue, ledger, options, Now);
        var perJob = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)queue.Length;

        Assert.Empty(plan.Actions);
        Assert.Equal(200, plan.Waiting.Length);
        Assert.All(plan.Waiting, w => Assert.Equal("no capacity in pool G: needs 8 GPU, 1000m CPU, 1000 MiB, the most GPUs free on one node is 0 (n00)", w.Reason));
        Assert.True(perJob < 2_048, $"{perJob:0} bytes allocated per waiting job");
    }

    [Fact]
    public void PlanPass_SecondPreemptionAfterAnEviction_DoesNotChooseTheEvictedJobAgain()
    {
        // Two own-tier 8-GPU jobs; n1 and n2 each run one borrowed 8-GPU job, n1's the more recent (less work lost). The
        // first job evicts n1's; the second must evict n2's, not n1's again.
        var ledger = PoolLedger.Of(
            "G",
            [EightGpuNodes.WithFree("n1", 0), EightGpuNodes.WithFree("n2", 0)],
            [Running("b1", "B", "n1", 8, Tier.Borrowed, TimeSpan.FromMinutes(10)), Running("b2", "B", "n2", 8, Tier.Borrowed, TimeSpan.FromHours(2))],
            new Dictionary<string, int> { ["A"] = 64 });

        var plan = PoolPlanner.PlanPass([Job("first", 8, 30), Job("second", 8, 10)], ledger, new SchedulingOptions(), Now);

        Assert.Equal(
            [("first", "n1", "b1"), ("second", "n2", "b2")],
            plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!, string.Join(",", a.Decision.Preemption!.Victims.Select(v => v.JobId)))));
    }

    [Fact]
    public void Decide_AfterAnEvictionCommitted_DoesNotOfferTheEvictedJobAgain()
    {
        // 16-GPU nodes, each running an own and a borrowed 8-GPU job. After "b2" is evicted n2 has 8 GPUs free and no
        // borrowed job: a 16-GPU own-tier job finds no set of victims anywhere (n1's borrowed job frees only 8).
        static NodeSlot Full(string name) => new(name, NodeMode.Fixed, new Resources(16, 64_000, 512_000), new Resources(0, 32_000, 256_000));
        var ledger = PoolLedger.Of(
            "G",
            [Full("n1"), Full("n2")],
            [
                Running("a1", "A", "n1", 8, Tier.Own, TimeSpan.FromHours(1)), Running("b1", "B", "n1", 8, Tier.Borrowed, TimeSpan.FromHours(1)),
                Running("a2", "A", "n2", 8, Tier.Own, TimeSpan.FromHours(1)), Running("b2", "B", "n2", 8, Tier.Borrowed, TimeSpan.FromMinutes(5)),
            ],
            new Dictionary<string, int> { ["A"] = 64 });
        var planner = new PoolPlanner(ledger, new SchedulingOptions(), Now);
        var first = planner.Decide(Job("first", 8, 30));
        Assert.Equal((DecisionKind.Preempt, "n2"), (first.Kind, first.Node));

        planner.CommitEviction(ledger.Running["b2"]);
        var wide = planner.Decide(Job("wide", 16, 20));

        Assert.Equal(DecisionKind.Wait, wide.Kind);
    }

    [Fact]
    public void PlanPass_PreemptionAfterABorrowedPlacementInThePass_WithdrawsThatPlacementInstead()
    {
        // n2 runs a borrowed job for two hours. In submit order: "wide" (own, 16 GPUs, larger than any node) looks for
        // victims and finds none; "lender" (borrowed: department B has no quota) takes n1; "own" (8 GPUs) then finds
        // nothing free and would evict "lender", placed in this pass, which loses less work than n2's job: the pass
        // withdraws lender's placement instead (lender waits, with the reason) and own takes n1 without preempting.
        var ledger = PoolLedger.Of(
            "G",
            [EightGpuNodes.WithFree("n1", 8), EightGpuNodes.WithFree("n2", 0)],
            [Running("old", "B", "n2", 8, Tier.Borrowed, TimeSpan.FromHours(2))],
            new Dictionary<string, int> { ["A"] = 64 });
        var options = new SchedulingOptions { Order = QueueOrder.Fifo };

        var plan = PoolPlanner.PlanPass([Job("wide", 16, 30), Job("lender", 8, 20, department: "B"), Job("own", 8, 10)], ledger, options, Now);

        Assert.Equal(
            [("own", DecisionKind.Place, "n1", "")],
            plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Kind, a.Decision.Node!, string.Join(",", a.Decision.Preemption?.Victims.Select(v => v.JobId) ?? []))));
        var lender = Assert.Single(plan.Waiting, w => w.Entry.JobId == "lender");
        Assert.Contains("its room on n1 went to own", lender.Reason, StringComparison.Ordinal);
    }
}
