using WPAI.Abstractions.Contracts;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// The planner remembers the node with the most GPUs free within a pass and keeps it while placements take GPUs from
/// other nodes; these passes check that what it remembers is never stale: a waiting job's reason names the node with
/// the most GPUs free after the decisions ranked before it (placements on that node, an eviction that frees another).
/// </summary>
public sealed class PlannerLargestFreeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A job of department <paramref name="department"/>; more minutes waited rank it earlier.</summary>
    private static QueueEntry Job(string id, int gpus, int minutesWaited, string department = "A") =>
        new(id, department, new Resources(gpus, 1_000, 1_000), ["G"], Now.AddMinutes(-minutesWaited), TimeSpan.Zero, 1);

    private static PassPlan Plan(IReadOnlyCollection<QueueEntry> queue, IEnumerable<NodeSlot> nodes, IEnumerable<RunningJob>? running = null) =>
        PoolPlanner.PlanPass(queue, PoolLedger.Of("G", nodes, running ?? [], new Dictionary<string, int> { ["A"] = 64 }), new SchedulingOptions(), Now);

    private static string ReasonOf(PassPlan plan, string jobId) => Assert.Single(plan.Waiting, w => w.Entry.JobId == jobId).Reason;

    [Fact]
    public void PlanPass_PlacementOnTheLargestNode_NextWaitNamesTheNewLargest()
    {
        var plan = Plan([Job("first", 8, 30), Job("second", 6, 10)], [EightGpuNodes.WithFree("n1", 8), EightGpuNodes.WithFree("n2", 4)]);

        Assert.Equal(("first", "n1"), (Assert.Single(plan.Actions).Entry.JobId, plan.Actions[0].Decision.Node!));
        Assert.Equal("no capacity in pool G: needs 6 GPU, 1000m CPU, 1000 MiB, the most GPUs free on one node is 4 (n2)", ReasonOf(plan, "second"));
    }

    [Fact]
    public void PlanPass_PlacementsOnOtherNodesThenOnTheLargest_NextWaitNamesTheNewLargest()
    {
        // "small" fits n2 best (the largest stays n1), "big" then takes n1, and "last" sees n3 as the largest.
        var plan = Plan([Job("small", 2, 30), Job("big", 8, 20), Job("last", 4, 10)], [EightGpuNodes.WithFree("n1", 8), EightGpuNodes.WithFree("n2", 2), EightGpuNodes.WithFree("n3", 3)]);

        Assert.Equal([("small", "n2"), ("big", "n1")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        Assert.Equal("no capacity in pool G: needs 4 GPU, 1000m CPU, 1000 MiB, the most GPUs free on one node is 3 (n3)", ReasonOf(plan, "last"));
    }

    [Fact]
    public void PlanPass_EvictionFreesGpus_NextWaitCountsThem()
    {
        // n1 is full with a borrowed job; n2 has 2 free (the largest). "own" (6 GPUs, own tier) preempts the borrowed
        // job on n1 and leaves 2 free there: n1 and n2 tie at 2, and the tie goes to the first name, n1.
        var borrowed = new RunningJob("borrowed", "B", "n1", new Resources(8, 1_000, 1_000), Tier.Borrowed, 0, Now.AddHours(-1), null);
        var plan = Plan([Job("own", 6, 30), Job("last", 3, 10)], [EightGpuNodes.WithFree("n1", 0), EightGpuNodes.WithFree("n2", 2)], [borrowed]);

        var action = Assert.Single(plan.Actions);
        Assert.Equal(("own", "n1", DecisionKind.Preempt), (action.Entry.JobId, action.Decision.Node!, action.Decision.Kind));
        Assert.Equal("no capacity in pool G: needs 3 GPU, 1000m CPU, 1000 MiB, the most GPUs free on one node is 2 (n1)", ReasonOf(plan, "last"));
    }
}
