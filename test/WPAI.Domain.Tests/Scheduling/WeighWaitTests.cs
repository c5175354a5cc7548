using WPAI.Abstractions.Contracts;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="SchedulingOptions.WeighWaitAgainstLostWork"/>: pool G2 of two 8-GPU nodes, both full. n1 holds department
/// B's borrowed 8-GPU run, 18 h in (144 GPU-h of work); n2 holds A's own-tier 4-GPU job expected to end in 1 h and 4 GPUs
/// of another own-tier job. A 4-GPU own-tier job of A arrives: it could preempt the long run, or wait about 1 h for n2.
/// </summary>
public sealed class WeighWaitTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static PoolLedger Ledger(double ownEndsInHours, int quotaA = 8) =>
        PoolLedger.Of(
            "G2",
            [EightGpuNodes.WithFree("n1", 0), EightGpuNodes.WithFree("n2", 0)],
            [
                new RunningJob("long", "B", "n1", new Resources(8, 1_000, 1_000), Tier.Borrowed, 1_000, Now.AddHours(-18), Now.AddHours(40)),
                new RunningJob("own1", "A", "n2", new Resources(4, 1_000, 1_000), Tier.Own, 1_000_000, Now.AddHours(-2), Now.AddHours(ownEndsInHours)),
                new RunningJob("own2", "C", "n2", new Resources(4, 1_000, 1_000), Tier.Own, 1_000_000, Now.AddHours(-2), Now.AddHours(50)),
            ],
            new Dictionary<string, int> { ["A"] = quotaA, ["B"] = 0, ["C"] = 8 });

    private static PassPlan Plan(SchedulingOptions options, double ownEndsInHours) =>
        PoolPlanner.PlanPass(
            [new QueueEntry("small", "A", new Resources(4, 1_000, 1_000), ["G2"], Now.AddMinutes(-1), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(2))],
            Ledger(ownEndsInHours),
            options,
            Now);

    [Fact]
    public void PlanPass_RoomExpectedSoon_WaitsInsteadOfDestroyingTheLongRun()
    {
        var plan = Plan(new SchedulingOptions { WeighWaitAgainstLostWork = true }, ownEndsInHours: 1);

        Assert.Empty(plan.Actions);
        var waiting = Assert.Single(plan.Waiting);
        Assert.Equal(
            "could preempt long on n1, losing 144 GPU-h of their work, but room is expected on n2 at 2026-01-01 13:00:00Z (declared run times), a delay of 4 GPU-h: it waits",
            waiting.Reason);
        Assert.Equal("G2", waiting.PreemptOnlyIn);
    }

    [Fact]
    public void PlanPass_WaitCostingMoreThanTheLostWork_Preempts()
    {
        // Room on n2 only in 40 h: 4 GPUs × 40 h = 160 GPU-h of delay against 144 GPU-h lost.
        var plan = Plan(new SchedulingOptions { WeighWaitAgainstLostWork = true }, ownEndsInHours: 40);

        var action = Assert.Single(plan.Actions);
        Assert.Equal(DecisionKind.Preempt, action.Decision.Kind);
        Assert.Equal(["long"], action.Decision.Preemption!.Victims.Select(v => v.JobId));
    }

    [Fact]
    public void PlanPass_RoomClaimedByAJobRankedAhead_ThePreemptionIsWeighedAgainstTheLaterRoom()
    {
        // Two 4-GPU own-tier jobs: the first (waited longer) waits for n2's 4 GPUs at 13:00; beside its claim the second
        // fits n2 only when own2 ends in 50 h (4 × 50 = 200 GPU-h of delay > 144 GPU-h lost), so it preempts the long run.
        var options = new SchedulingOptions { WeighWaitAgainstLostWork = true };
        QueueEntry Small(string id, int minutesWaited) =>
            new(id, "A", new Resources(4, 1_000, 1_000), ["G2"], Now.AddMinutes(-minutesWaited), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromMinutes(2));

        var plan = PoolPlanner.PlanPass([Small("first", 2), Small("second", 1)], Ledger(ownEndsInHours: 1, quotaA: 16), options, Now);

        var action = Assert.Single(plan.Actions);
        Assert.Equal(("second", DecisionKind.Preempt), (action.Entry.JobId, action.Decision.Kind));
        Assert.Equal("first", Assert.Single(plan.Waiting).Entry.JobId);
    }

    [Fact]
    public void PlanPass_DefaultOptions_Preempts()
    {
        var action = Assert.Single(Plan(new SchedulingOptions(), ownEndsInHours: 1).Actions);

        Assert.Equal(DecisionKind.Preempt, action.Decision.Kind);
    }
}
