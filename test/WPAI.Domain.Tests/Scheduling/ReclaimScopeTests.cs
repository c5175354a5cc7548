using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="SchedulingOptions.ReclaimFrom"/>: by default an own-tier job preempts only borrowed jobs of other departments
/// that use more than their quota in the pool (Kueue's reclaimWithinCohort, withinClusterQueue: Never).
/// </summary>
public sealed class ReclaimScopeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static NodeSlot FullNode(string name) =>
        new(name, NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(0, 32_000, 256_000));

    private static RunningJob Borrowed(string id, string department, string node, int gpus, TimeSpan ran) =>
        new(id, department, node, new Resources(gpus, 1_000, 1_000), Tier.Borrowed, 1_000, Now - ran);

    private static QueueEntry OwnJob(string id, string department, int gpus) =>
        new(id, department, new Resources(gpus, 1_000, 1_000), ["G2"], Now.AddMinutes(-1), TimeSpan.Zero, 1);

    // The default list's case in miniature: dept A owns 4 GPUs of the pool and runs an 8-GPU job borrowed, 18 h into its
    // run; a 4-GPU job of A, within A's quota (own tier), arrives.
    private static PoolLedger OwnDepartmentsLongRun() => PoolLedger.Of(
        "G2",
        [FullNode("n1")],
        [Borrowed("a-long", "A", "n1", 8, TimeSpan.FromHours(18))],
        new Dictionary<string, int> { ["A"] = 4, ["B"] = 4 });

    [Fact]
    public void PlanPass_DefaultOptions_NeverEvictsTheDepartmentsOwnBorrowedJob()
    {
        var plan = PoolPlanner.PlanPass([OwnJob("a-short", "A", 4)], OwnDepartmentsLongRun(), new SchedulingOptions(), Now);

        Assert.Empty(plan.Actions);
        Assert.Single(plan.Waiting);
    }

    [Fact]
    public void PlanPass_AnyBorrowed_EvictsTheDepartmentsOwnBorrowedJob()
    {
        // The earlier rule (wpai-reclaim-any): A destroys 144 GPU-h of its own run to start a job it could have queued.
        var plan = PoolPlanner.PlanPass([OwnJob("a-short", "A", 4)], OwnDepartmentsLongRun(), new SchedulingOptions { ReclaimFrom = ReclaimScope.AnyBorrowed }, Now);

        var action = Assert.Single(plan.Actions);
        Assert.Equal(DecisionKind.Preempt, action.Decision.Kind);
        Assert.Equal(["a-long"], action.Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    // One full node: B (quota 4) runs a borrowed 4-GPU job started 10 minutes ago and nothing else, so B is within its
    // quota; C (quota 0) runs a borrowed 4-GPU job started 2 h ago. A (quota 4) needs 4 GPUs.
    private static PoolLedger WithinAndOverQuota() => PoolLedger.Of(
        "G2",
        [FullNode("n1")],
        [Borrowed("b-fresh", "B", "n1", 4, TimeSpan.FromMinutes(10)), Borrowed("c-older", "C", "n1", 4, TimeSpan.FromHours(2))],
        new Dictionary<string, int> { ["A"] = 4, ["B"] = 4, ["C"] = 0 });

    [Fact]
    public void PlanPass_DefaultOptions_EvictsTheDepartmentAboveItsQuotaNotTheOneWithin()
    {
        var action = Assert.Single(PoolPlanner.PlanPass([OwnJob("a1", "A", 4)], WithinAndOverQuota(), new SchedulingOptions(), Now).Actions);

        Assert.Equal(["c-older"], action.Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void PlanPass_OtherDepartments_EvictsTheLeastLostWorkEvenWithinItsQuota()
    {
        var options = new SchedulingOptions { ReclaimFrom = ReclaimScope.OtherDepartments };

        var action = Assert.Single(PoolPlanner.PlanPass([OwnJob("a1", "A", 4)], WithinAndOverQuota(), options, Now).Actions);

        Assert.Equal(["b-fresh"], action.Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void Reclaimable_OverQuotaDepartments_CountsOwnAndBorrowedUse()
    {
        // D owns 4 and runs 4 own + 2 borrowed: above its quota, so its borrowed job may go; its own-tier job never.
        RunningJob[] running =
        [
            new("d-own", "D", "n1", new Resources(4, 1_000, 1_000), Tier.Own, 1_000_000, Now),
            Borrowed("d-borrowed", "D", "n2", 2, TimeSpan.FromHours(1)),
            Borrowed("e-borrowed", "E", "n2", 2, TimeSpan.FromHours(1)),
        ];
        var quotas = new Dictionary<string, int> { ["D"] = 4, ["E"] = 2 };

        var reclaimable = PreemptionPolicy.Reclaimable("A", running, d => quotas.GetValueOrDefault(d), ReclaimScope.OverQuotaDepartments);

        Assert.Equal(["d-borrowed"], reclaimable.Select(r => r.JobId));
    }
}
