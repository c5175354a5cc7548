using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// Backfilling past a reservation by declared run times (EASY backfilling): node n1 (8 GPUs) has 5 free and runs a
/// 3-GPU job expected to end in 2 h; the starving 8-GPU job "big" reserves n1 and is expected to start there in 2 h (the
/// shadow time). n2 has 1 GPU free.
/// </summary>
public sealed class BackfillTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static NodeSlot Node(string name, int free) => EightGpuNodes.WithFree(name, free);

    private static QueueEntry Job(string id, int gpus, double hoursWaited, double? declaredHours) =>
        new(id, "A", new Resources(gpus, 1_000, 1_000), ["G3"], Now.AddHours(-hoursWaited), TimeSpan.Zero, 1,
            ExpectedDuration: declaredHours is { } h ? TimeSpan.FromHours(h) : TimeSpan.Zero);

    private static RunningJob Running(string id, string node, int gpus, double? endsInHours) =>
        new(id, "A", node, new Resources(gpus, 1_000, 1_000), Tier.Own, 0, Now.AddHours(-1), endsInHours is { } h ? Now.AddHours(h) : null);

    private static PassPlan Plan(IReadOnlyCollection<QueueEntry> queue, SchedulingOptions? options = null, RunningJob? running = null, int n2Free = 1) =>
        PoolPlanner.PlanPass(
            queue,
            PoolLedger.Of("G3", [Node("n1", 5), Node("n2", n2Free)], [running ?? Running("r1", "n1", 3, 2)], new Dictionary<string, int> { ["A"] = 16 }),
            options ?? new SchedulingOptions(),
            Now);

    private static Dictionary<string, string> Reasons(PassPlan plan) => plan.Waiting.ToDictionary(w => w.Entry.JobId, w => w.Reason);

    [Fact]
    public void PlanPass_JobEndingBeforeTheShadowTime_IsBackfilledOnTheReservedNode()
    {
        var plan = Plan([Job("big", 8, 9, 10), Job("short", 3, 1, 1.5)]);

        var action = Assert.Single(plan.Actions);
        Assert.Equal(("short", "n1"), (action.Entry.JobId, action.Decision.Node!));
        Assert.Equal("backfilled on reserved node n1 (expected to end at 2026-01-01 13:30:00Z, before big's expected start at 2026-01-01 14:00:00Z)", action.Decision.Reason);
        Assert.Equal(
            "reserved node n1 for this job (waited 9 h, past 8 h): no node has 8 GPU, 1000m CPU, 1000 MiB free (n1 has 5 GPU, 32000m CPU, 256000 MiB); no job ranked after it is placed there until it fits; by the declared run times it fits there at 2026-01-01 14:00:00Z, and until then only jobs that end by that time or fit beside it start there",
            Reasons(plan)["big"]);
    }

    [Fact]
    public void PlanPass_JobThatWouldDelayTheReservedJob_WaitsAndSaysWhy()
    {
        var plan = Plan([Job("big", 8, 9, 10), Job("long", 3, 1, 3)]);

        Assert.Empty(plan.Actions);
        Assert.Equal(
            "node n1 has room but is reserved for job big, which has waited 9 h and fits no node yet; this job would end at 2026-01-01 15:00:00Z, after big's expected start at 2026-01-01 14:00:00Z, and needs more than the 0 GPU, 32000m CPU, 256000 MiB left spare then",
            Reasons(plan)["long"]);
    }

    [Fact]
    public void PlanPass_JobWithoutAnEstimate_IsNotBackfilled()
    {
        var plan = Plan([Job("big", 8, 9, 10), Job("unknown", 3, 1, null)]);

        Assert.Empty(plan.Actions);
        Assert.EndsWith("; this job declares no run time, so it could delay big's expected start at 2026-01-01 14:00:00Z", Reasons(plan)["unknown"], StringComparison.Ordinal);
    }

    [Fact]
    public void PlanPass_RunningJobWithoutAnEstimate_NothingIsBackfilled()
    {
        var plan = Plan([Job("big", 8, 9, 10), Job("short", 3, 1, 0.5)], running: Running("r1", "n1", 3, null));

        Assert.Empty(plan.Actions);
        Assert.Equal("node n1 has room but is reserved for job big, which has waited 9 h and fits no node yet", Reasons(plan)["short"]);
    }

    [Fact]
    public void PlanPass_LongJobsFittingBesideTheReservedJob_TakeTheSpareOnce()
    {
        // big asks 6 GPUs: at the shadow time n1 has 8, so 2 are spare whatever runs there then.
        var plan = Plan([Job("big", 6, 9, 10), Job("long-a", 2, 1, 50), Job("long-b", 2, 0.5, 50)]);

        Assert.Equal([("long-a", "n1")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
        Assert.Equal("backfilled on reserved node n1 (in what big leaves spare there at its expected start at 2026-01-01 14:00:00Z)", plan.Actions[0].Decision.Reason);
        Assert.StartsWith("node n1 has room but is reserved for job big", Reasons(plan)["long-b"], StringComparison.Ordinal);
    }

    [Fact]
    public void PlanPass_JobThatFitsAnotherNode_GoesThereNotToTheReservedNode()
    {
        var plan = Plan([Job("big", 8, 9, 10), Job("short", 3, 1, 1)], n2Free: 3);
        Assert.Equal([("short", "n2")], plan.Actions.Select(a => (a.Entry.JobId, a.Decision.Node!)));
    }

    [Fact]
    public void PlanPass_BackfillOff_KeepsEveryLaterJobOffTheReservedNode()
    {
        var plan = Plan([Job("big", 8, 9, 10), Job("short", 3, 1, 0.5)], new SchedulingOptions { Backfill = false });

        Assert.Empty(plan.Actions);
        Assert.Equal("node n1 has room but is reserved for job big, which has waited 9 h and fits no node yet", Reasons(plan)["short"]);
    }

    [Fact]
    public void ShadowTime_JobsEndingTogether_FreeTheirResourcesTogether()
    {
        var running = new[] { Running("a", "n1", 2, 3), Running("b", "n1", 2, 1), Running("c", "n1", 2, 1) };
        var shadow = ShadowTime.Of(new Resources(1, 10_000, 10_000), running, new Resources(4, 1_000, 1_000), Now);

        Assert.Equal(new ShadowTime(Now.AddHours(1), new Resources(1, 11_000, 11_000)), shadow);
    }

    [Fact]
    public void ShadowTime_JobsWithoutOrPastTheirEstimate_NeverEnd()
    {
        var running = new[] { Running("none", "n1", 4, null), Running("overdue", "n1", 4, -1), Running("later", "n1", 1, 2) };

        Assert.Null(ShadowTime.Of(new Resources(0, 10_000, 10_000), running, new Resources(2, 1, 1), Now));
        Assert.Equal(Now, ShadowTime.Of(new Resources(2, 10_000, 10_000), running, new Resources(2, 1, 1), Now)!.At);
    }

    [Fact]
    public void Admit_EndingByTheShadowTime_KeepsTheSpare_RunningPastIt_UsesIt()
    {
        var shadow = new ShadowTime(Now.AddHours(2), new Resources(2, 2_000, 2_000));
        var request = new Resources(2, 1_000, 1_000);

        Assert.Same(shadow, shadow.Admit(request, Now.AddHours(2)));
        Assert.Equal(new Resources(0, 1_000, 1_000), shadow.Admit(request, Now.AddHours(3))!.Spare);
        Assert.Equal(new Resources(0, 1_000, 1_000), shadow.Admit(request, null)!.Spare);
        Assert.Null(shadow.Admit(new Resources(3, 1, 1), Now.AddHours(3)));
    }
}
