using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// With <see cref="SchedulingOptions.LeaveRoomForOwners"/> a long borrowed run starts only in a pool that keeps at least as
/// many GPUs free beside it as it borrows; elsewhere it waits (and is offered on) until it has waited the reservation mark.
/// Pool V100: one 8-GPU node, all free, owned by department A; department B owns nothing there.
/// </summary>
public sealed class LeaveRoomForOwnersTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static QueueEntry Job(string department, int gpus, double declaredHours, double hoursWaited = 0.1) =>
        new("j1", department, new Resources(gpus, 1_000, 1_000), ["V100", "G2"], Now.AddHours(-hoursWaited), TimeSpan.Zero, 1, ExpectedDuration: TimeSpan.FromHours(declaredHours));

    private static PassPlan Plan(QueueEntry job, SchedulingOptions options, int nodes = 1) =>
        PoolPlanner.PlanPass(
            [job],
            PoolLedger.Of(
                "V100",
                Enumerable.Range(1, nodes).Select(i => new NodeSlot($"n{i}", NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(8, 64_000, 512_000))),
                [],
                new Dictionary<string, int> { ["A"] = 8 * nodes }),
            options,
            Now);

    private static SchedulingOptions LeaveRoom() => new() { LeaveRoomForOwners = true };

    [Fact]
    public void PlanPass_LongBorrowedRunWouldLeaveTheOwnersLessThanItBorrows_WaitsAndSaysWhy()
    {
        var plan = Plan(Job("B", 8, 28), LeaveRoom());

        Assert.Empty(plan.Actions);
        var waiting = Assert.Single(plan.Waiting);
        Assert.Equal("a long borrowed run would leave 0 GPUs free in pool V100 beside the 8 it borrows from the owners: it waits for a pool that keeps that room, for up to 8 h of waiting (leave room for owners)", waiting.Reason);
        Assert.Null(waiting.PreemptOnlyIn);
    }

    [Fact]
    public void PlanPass_OptionOff_LongBorrowedRunTakesTheRoom()
    {
        var action = Assert.Single(Plan(Job("B", 8, 28), new SchedulingOptions()).Actions);
        Assert.Equal(("n1", Tier.Borrowed), (action.Decision.Node, action.Decision.Tier));
    }

    [Fact]
    public void PlanPass_PoolKeepsAsMuchFreeAsItBorrows_Places()
    {
        // Two nodes: 8 GPUs stay free beside the run, as many as it borrows.
        var action = Assert.Single(Plan(Job("B", 8, 28), LeaveRoom(), nodes: 2).Actions);
        Assert.Equal(DecisionKind.Place, action.Decision.Kind);
    }

    [Fact]
    public void PlanPass_DeclaredRunTimeNotLong_Places()
    {
        Assert.Single(Plan(Job("B", 8, 12), LeaveRoom()).Actions);
    }

    [Fact]
    public void PlanPass_OwnTierLongRun_Places()
    {
        Assert.Equal(Tier.Own, Assert.Single(Plan(Job("A", 8, 28), LeaveRoom()).Actions).Decision.Tier);
    }

    [Fact]
    public void PlanPass_WaitedTheReservationMark_TakesTheRoom()
    {
        Assert.Single(Plan(Job("B", 8, 28, hoursWaited: 8), LeaveRoom()).Actions);
    }

    [Theory]
    [InlineData(8, 0, 0, 8)]
    [InlineData(8, 3, 1, 6)]
    [InlineData(2, 3, 0, 0)]
    [InlineData(4, 3, 5, 4)]
    public void BorrowedGpus_IsTheRequestBeyondTheDepartmentsIdleQuota(int request, int quota, int ownInUse, int expected) =>
        Assert.Equal(expected, OwnersRoom.BorrowedGpus(request, quota, ownInUse));

    [Theory]
    [InlineData(8, 8, 16, false)]
    [InlineData(8, 8, 15, true)]
    [InlineData(8, 0, 8, false)]
    [InlineData(1, 1, 1, true)]
    public void Exposed_WhenFewerGpusStayFreeThanItBorrows(int request, int borrowed, int poolFree, bool expected) =>
        Assert.Equal(expected, OwnersRoom.Exposed(request, borrowed, poolFree));
}
