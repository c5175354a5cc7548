using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="SchedulingOptions.SpareOwnDepartmentsLongerRuns"/>: an own-tier job never evicts a borrowed run of its own
/// department that would lose more work than the job declares; other departments' runs stay victims.
/// </summary>
public sealed class SpareOwnDepartmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // The default list's case in miniature: an 8-GPU borrowed run fills the pool's only node; A owns 4 GPUs there and
    // submits a 4-GPU job declaring 30 minutes (2 GPU-h).
    private static PoolLedger OneRun(string department, TimeSpan ran) => PoolLedger.Of(
        "G2",
        [new NodeSlot("n1", NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(0, 32_000, 256_000))],
        [new RunningJob("run", department, "n1", new Resources(8, 1_000, 1_000), Tier.Borrowed, 1_000, Now - ran)],
        new Dictionary<string, int> { ["A"] = 4, ["B"] = 4 });

    private static readonly QueueEntry Short =
        new("a1", "A", new Resources(4, 1_000, 1_000), ["G2"], Now.AddMinutes(-1), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(30));

    [Fact]
    public void PlanPass_DefaultOptions_SparesTheDepartmentsOwnLongerRun()
    {
        // 8 GPUs × 18 h = 144 GPU-h of A's own run against the 2 GPU-h A's job declares: A waits.
        var plan = PoolPlanner.PlanPass([Short], OneRun("A", TimeSpan.FromHours(18)), new SchedulingOptions(), Now);

        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void PlanPass_EvictOwnRuns_EvictsTheDepartmentsOwnLongerRun()
    {
        var plan = PoolPlanner.PlanPass([Short], OneRun("A", TimeSpan.FromHours(18)), new SchedulingOptions { SpareOwnDepartmentsLongerRuns = false }, Now);

        Assert.Equal(["run"], Assert.Single(plan.Actions).Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void PlanPass_DefaultOptions_StillEvictsAnotherDepartmentsLongerRun()
    {
        var plan = PoolPlanner.PlanPass([Short], OneRun("B", TimeSpan.FromHours(18)), new SchedulingOptions(), Now);

        Assert.Equal(["run"], Assert.Single(plan.Actions).Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void PlanPass_DefaultOptions_EvictsTheDepartmentsOwnRunThatLosesLess()
    {
        // 8 GPUs × 10 min = 1.3 GPU-h lost, less than the 2 GPU-h declared.
        var plan = PoolPlanner.PlanPass([Short], OneRun("A", TimeSpan.FromMinutes(10)), new SchedulingOptions(), Now);

        Assert.Equal(DecisionKind.Preempt, Assert.Single(plan.Actions).Decision.Kind);
    }
}
