using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// With <see cref="SchedulingOptions.KeepReservation"/> a starving job keeps the node it reserved across passes: an
/// owner's job that takes GPUs there does not move it, only a node with strictly more free GPUs does.
/// </summary>
public sealed class KeptReservationTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>n1: 7 of 8 GPUs free, 32 cores; n2: 5 GPUs free but 0.9 cores.</summary>
    private static NodeSlot[] Nodes(int n1FreeGpus = 7, int n1FreeCpu = 32_000) =>
    [
        new("n1", NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(n1FreeGpus, n1FreeCpu, 256_000)),
        new("n2", NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(5, 900, 256_000)),
    ];

    private static QueueEntry Job(string id, string department, int gpus, int cpuMilli, double hoursWaited) =>
        new(id, department, new Resources(gpus, cpuMilli, 1_000), ["G2"], Now.AddHours(-hoursWaited), TimeSpan.Zero, 1);

    /// <summary>B's 8-GPU job has waited 9 h and fits no node; A owns 16 GPUs of the pool (own tier), B and C own none.</summary>
    private static readonly QueueEntry Big = Job("big", "B", 8, 1_000, 9);

    /// <summary>A 1-GPU job that fits anywhere (a pass in which no job can be placed is skipped).</summary>
    private static readonly QueueEntry Tiny = Job("tiny", "C", 1, 100, 0.5);

    private static PassPlan Plan(SchedulingOptions options, IReadOnlyCollection<QueueEntry> queue, NodeSlot[] nodes, IReadOnlyDictionary<string, string>? kept = null) =>
        PoolPlanner.PlanPass(queue, PoolLedger.Of("G2", nodes, [], new Dictionary<string, int> { ["A"] = 16 }), options, Now, kept: kept);

    [Fact]
    public void PlanPass_OwnersJobTakesGpusOnTheReservedNode_ReservationStays()
    {
        var options = new SchedulingOptions { KeepReservation = true };
        var first = Plan(options, [Big, Tiny], Nodes());
        Assert.Equal([("tiny", "n2")], first.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        Assert.Equal(new Dictionary<string, string> { ["big"] = "n1" }, first.ReservedNodes);

        // Next pass: A's own-tier job (ranked ahead of big) fits only n1 and leaves it 5 GPUs and 0.5 cores free — as many
        // GPUs as n2, which has more CPU free, so a fresh choice would reserve n2 and open n1 to C's 3-GPU job.
        var own = Job("own", "A", 2, 31_500, 0.1);
        var three = Job("three", "C", 3, 100, 1);
        var second = Plan(options, [own, Big, three], Nodes(), first.ReservedNodes);

        Assert.Equal([("own", "n1"), ("three", "n2")], second.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        Assert.StartsWith("reserved node n1 for this job", second.Waiting.Single(w => w.Entry.JobId == "big").Reason, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string> { ["big"] = "n1" }, second.ReservedNodes);
    }

    [Fact]
    public void PlanPass_MovingReservation_OwnersJobMovesItAndOpensTheNode()
    {
        // The same pass without the switch: the reservation is chosen afresh after A's job, moves to n2, and C's job takes n1.
        var own = Job("own", "A", 2, 31_500, 0.1);
        var three = Job("three", "C", 3, 100, 1);
        var plan = Plan(new SchedulingOptions(), [own, Big, three], Nodes(), new Dictionary<string, string> { ["big"] = "n1" });

        Assert.Equal([("own", "n1"), ("three", "n1")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        Assert.StartsWith("reserved node n2 for this job", plan.Waiting.Single().Reason, StringComparison.Ordinal);
        Assert.Empty(plan.ReservedNodes);
    }

    [Fact]
    public void PlanPass_AnotherNodeWithStrictlyMoreFreeGpus_TakesTheReservation()
    {
        var plan = Plan(new SchedulingOptions { KeepReservation = true }, [Big, Tiny], Nodes(n1FreeGpus: 4), new Dictionary<string, string> { ["big"] = "n1" });
        Assert.Equal(new Dictionary<string, string> { ["big"] = "n2" }, plan.ReservedNodes);
        Assert.Equal([("tiny", "n1")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
    }

    [Fact]
    public void PlanPass_JobNoLongerQueued_ItsReservationEnds()
    {
        var plan = Plan(new SchedulingOptions { KeepReservation = true }, [Job("three", "C", 3, 100, 1)], Nodes(), new Dictionary<string, string> { ["big"] = "n1" });
        Assert.Equal([("three", "n2")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        Assert.Empty(plan.ReservedNodes);
    }

    [Fact]
    public void PlanPass_NothingCanMove_KeepsTheReservationOfAQueuedJob()
    {
        // No GPU free anywhere and nothing borrowed to preempt: the pass is skipped, and the reservation survives it.
        var full = new NodeSlot[] { new("n1", NodeMode.Fixed, new Resources(8, 64_000, 512_000), Resources.None) };
        var plan = Plan(new SchedulingOptions { KeepReservation = true }, [Big], full, new Dictionary<string, string> { ["big"] = "n1", ["gone"] = "n1" });
        Assert.Equal(new Dictionary<string, string> { ["big"] = "n1" }, plan.ReservedNodes);
    }

    [Fact]
    public void ChooseNode_Kept_StaysOnTiesAndCpuDifferences_MovesOnMoreGpus_OrWhenItCannotHost()
    {
        var modes = NodeModes.TrainingModes(longRunning: false);
        var request = new Resources(8, 1_000, 1_000);
        Assert.Equal("n2", NodeReservation.ChooseNode(request, Nodes(n1FreeGpus: 5, n1FreeCpu: 500), m => modes.Contains(m))!.Node);
        Assert.Equal("n1", NodeReservation.ChooseNode(request, Nodes(n1FreeGpus: 5, n1FreeCpu: 500), m => modes.Contains(m), kept: "n1")!.Node);
        Assert.Equal("n2", NodeReservation.ChooseNode(request, Nodes(n1FreeGpus: 4), m => modes.Contains(m), kept: "n1")!.Node);
        var down = Nodes()[0] with { Mode = NodeMode.Down };
        Assert.Equal("n2", NodeReservation.ChooseNode(request, [down, Nodes()[1]], m => modes.Contains(m), kept: "n1")!.Node);
    }
}
