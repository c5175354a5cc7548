using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="SchedulingOptions.LostWorkBound"/>: an own-tier job preempts only when its victims lose no more work than it
/// declares (GPUs × declared run time), until it has waited <see cref="SchedulingOptions.ReservationAfter"/>.
/// </summary>
public sealed class LostWorkBoundTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // The default list's case in miniature: B's 8-GPU borrowed run, 25.5 h in (204 GPU-h), fills the pool's only node;
    // A owns 4 GPUs there and submits a 4-GPU job.
    private static PoolLedger OneLongRun(TimeSpan ran) => PoolLedger.Of(
        "G2",
        [new NodeSlot("n1", NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(0, 32_000, 256_000))],
        [new RunningJob("b-long", "B", "n1", new Resources(8, 1_000, 1_000), Tier.Borrowed, 1_000, Now - ran)],
        new Dictionary<string, int> { ["A"] = 4, ["B"] = 4 });

    private static QueueEntry OwnJob(TimeSpan declared, TimeSpan waited) =>
        new("a1", "A", new Resources(4, 1_000, 1_000), ["G2"], Now - waited, TimeSpan.Zero, 1, ExpectedDuration: declared);

    [Fact]
    public void PlanPass_DefaultOptions_WaitsRatherThanLoseMoreWorkThanItDeclares()
    {
        // 4 GPUs × 0.5 h = 2 GPU-h declared against 204 GPU-h lost.
        var plan = PoolPlanner.PlanPass([OwnJob(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1))], OneLongRun(TimeSpan.FromHours(25.5)), new SchedulingOptions(), Now);

        Assert.Empty(plan.Actions);
        Assert.Contains("would lose 204 GPU-h of their runs, more than the 2 GPU-h this job declares", Assert.Single(plan.Waiting).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanPass_BoundOff_PreemptsWhateverTheLoss()
    {
        var plan = PoolPlanner.PlanPass([OwnJob(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1))], OneLongRun(TimeSpan.FromHours(25.5)), new SchedulingOptions { LostWorkBound = false }, Now);

        Assert.Equal(DecisionKind.Preempt, Assert.Single(plan.Actions).Decision.Kind);
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    public void PlanPass_DefaultOptions_PreemptsOnceTheJobHasWaitedTheReservationTime(int waitedHours, bool preempts)
    {
        var plan = PoolPlanner.PlanPass([OwnJob(TimeSpan.FromMinutes(30), TimeSpan.FromHours(waitedHours))], OneLongRun(TimeSpan.FromHours(25.5)), new SchedulingOptions(), Now);

        Assert.Equal(preempts, plan.Actions.Any(a => a.Decision.Kind == DecisionKind.Preempt));
    }

    [Fact]
    public void PlanPass_DefaultOptions_PreemptsWhenTheLossIsAtMostTheDeclaredWork()
    {
        // 8 GPUs × 0.5 h = 4 GPU-h lost against 4 GPUs × 1 h = 4 GPU-h declared.
        var plan = PoolPlanner.PlanPass([OwnJob(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1))], OneLongRun(TimeSpan.FromMinutes(30)), new SchedulingOptions(), Now);

        Assert.Equal(DecisionKind.Preempt, Assert.Single(plan.Actions).Decision.Kind);
    }

    [Fact]
    public void PlanPass_DefaultOptions_AJobWithoutDeclaredRunTimeIsNotBounded()
    {
        var plan = PoolPlanner.PlanPass([OwnJob(TimeSpan.Zero, TimeSpan.FromMinutes(1))], OneLongRun(TimeSpan.FromHours(25.5)), new SchedulingOptions(), Now);

        Assert.Equal(DecisionKind.Preempt, Assert.Single(plan.Actions).Decision.Kind);
    }
}
