using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="VictimRule.LeastLostWork"/>: the victims are the borrowed jobs on one node whose eviction loses the least work
/// (GPUs × time since their run started), then the fewest jobs, the fewest GPUs, the node's name.
/// </summary>
public sealed class LeastLostWorkTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static NodeSlot Node(string name, int freeGpus = 0) =>
        new(name, NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(freeGpus, 32_000, 256_000));

    private static RunningJob Borrowed(string id, string node, int gpus, TimeSpan ran) =>
        new(id, "B", node, new Resources(gpus, 1_000, 1_000), Tier.Borrowed, 1_000, Now - ran);

    // In miniature, the default list's case: an 8-GPU borrowed job 41.8 h into its run (334 GPU-h) on n1; four 2-GPU
    // borrowed jobs started 10 minutes ago on n2. An own-tier 8-GPU job needs a whole node.
    private static readonly NodeSlot[] TwoNodes = [Node("n1"), Node("n2")];

    private static readonly RunningJob[] LongRunAndFreshJobs =
    [
        Borrowed("long", "n1", 8, TimeSpan.FromHours(41.8)),
        Borrowed("f1", "n2", 2, TimeSpan.FromMinutes(10)),
        Borrowed("f2", "n2", 2, TimeSpan.FromMinutes(10)),
        Borrowed("f3", "n2", 2, TimeSpan.FromMinutes(10)),
        Borrowed("f4", "n2", 2, TimeSpan.FromMinutes(10)),
    ];

    [Fact]
    public void ChooseLeastLostWork_LongWholeNodeRunVersusFreshSmallJobs_EvictsTheFreshJobs()
    {
        var plan = PreemptionPolicy.ChooseLeastLostWork(new Resources(8, 1_000, 1_000), TwoNodes, LongRunAndFreshJobs, Now, _ => true);

        Assert.Equal("n2", plan!.Node);
        Assert.Equal(["f1", "f2", "f3", "f4"], plan.Victims.Select(v => v.JobId).Order());
    }

    [Fact]
    public void ChooseVictims_LongWholeNodeRunVersusFreshSmallJobs_EvictsTheLongRun()
    {
        // The fewest-jobs rule (wpai-victims-fewest) destroys the 334 GPU-h run: one victim beats four.
        var plan = PreemptionPolicy.ChooseVictims(new Resources(8, 1_000, 1_000), TwoNodes, LongRunAndFreshJobs, _ => true);

        Assert.Equal(["long"], plan!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void PlanPass_DefaultOptions_PreemptsTheFreshJobs()
    {
        var ledger = PoolLedger.Of("G2", TwoNodes, LongRunAndFreshJobs, new Dictionary<string, int> { ["A"] = 8 });
        var job = new QueueEntry("a1", "A", new Resources(8, 1_000, 1_000), ["G2"], Now.AddMinutes(-1), TimeSpan.Zero, 1);

        var action = Assert.Single(PoolPlanner.PlanPass([job], ledger, new SchedulingOptions(), Now).Actions);

        Assert.Equal(DecisionKind.Preempt, action.Decision.Kind);
        Assert.Equal("n2", action.Decision.Node);
    }

    [Fact]
    public void ChooseLeastLostWork_OneNode_TakesTheCheapestSetNotTheCheapestJobsFirst()
    {
        // 4 GPUs needed: x (4 GPUs, 1 h: 4 GPU-h) alone loses less than y1..y4 (1 GPU, 1.5 h each: 6 GPU-h), although each y is cheaper.
        RunningJob[] running =
        [
            Borrowed("x", "n1", 4, TimeSpan.FromHours(1)),
            Borrowed("y1", "n1", 1, TimeSpan.FromHours(1.5)),
            Borrowed("y2", "n1", 1, TimeSpan.FromHours(1.5)),
            Borrowed("y3", "n1", 1, TimeSpan.FromHours(1.5)),
            Borrowed("y4", "n1", 1, TimeSpan.FromHours(1.5)),
        ];

        var plan = PreemptionPolicy.ChooseLeastLostWork(new Resources(4, 1_000, 1_000), [Node("n1")], running, Now, _ => true);

        Assert.Equal(["x"], plan!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void ChooseLeastLostWork_NoNeedlessVictim_UsesTheFreeGpus()
    {
        // 2 GPUs free: 3 more are needed; the 1-GPU job just started alone does not free enough, the 4-GPU one is needed and enough.
        RunningJob[] running = [Borrowed("small", "n1", 1, TimeSpan.Zero), Borrowed("big", "n1", 4, TimeSpan.FromHours(1)), Borrowed("mid", "n1", 1, TimeSpan.FromHours(3))];

        var plan = PreemptionPolicy.ChooseLeastLostWork(new Resources(5, 1_000, 1_000), [Node("n1", freeGpus: 2)], running, Now, _ => true);

        Assert.Equal(["big"], plan!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void ChooseLeastLostWork_EqualLoss_FewerJobsThenFewerGpusThenNodeName()
    {
        // n1: two 1-GPU jobs of 1 h (2 GPU-h); n2: one 2-GPU job of 1 h (2 GPU-h); n3: the same as n2. Fewer jobs: n2 before n1; then the name: n2 before n3.
        RunningJob[] running =
        [
            Borrowed("p", "n1", 1, TimeSpan.FromHours(1)),
            Borrowed("q", "n1", 1, TimeSpan.FromHours(1)),
            Borrowed("r", "n3", 2, TimeSpan.FromHours(1)),
            Borrowed("s", "n2", 2, TimeSpan.FromHours(1)),
        ];
        NodeSlot[] nodes = [Node("n3", freeGpus: 6), Node("n1", freeGpus: 6), Node("n2", freeGpus: 6)];

        var plan = PreemptionPolicy.ChooseLeastLostWork(new Resources(8, 1_000, 1_000), nodes, running, Now, _ => true);

        Assert.Equal(("n2", "s"), (plan!.Node, Assert.Single(plan.Victims).JobId));
    }

    [Fact]
    public void ChooseLeastLostWork_NeverOwnTierJobsNorUnschedulableNodes()
    {
        RunningJob[] running = [new("own", "A", "n1", new Resources(8, 1_000, 1_000), Tier.Own, 1_000_000, Now), Borrowed("b", "n2", 8, TimeSpan.Zero)];
        NodeSlot[] nodes = [Node("n1"), Node("n2") with { Mode = NodeMode.Unnormal }];

        Assert.Null(PreemptionPolicy.ChooseLeastLostWork(new Resources(1, 1, 1), nodes, running, Now, m => m != NodeMode.Unnormal));
    }

    [Fact]
    public void LostWork_GpusTimesTimeSinceTheRunStarted()
    {
        Assert.Equal(334.4, PreemptionPolicy.LostWork(Borrowed("long", "n1", 8, TimeSpan.FromHours(41.8)), Now), 6);
        Assert.Equal(0, PreemptionPolicy.LostWork(Borrowed("future", "n1", 8, TimeSpan.FromHours(-1)), Now));
    }
}
