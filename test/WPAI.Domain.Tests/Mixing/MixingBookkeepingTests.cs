using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

public sealed class MixingBookkeepingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counters_CountACompletedHandoverTowardsItsTarget()
    {
        var c = new MixingCounters(0, 0, 0)
            .Completed(NodeMode.OfflineNormal, aborted: false, killed: 0)
            .Completed(NodeMode.OnlineNormal, aborted: false, killed: 2)
            .Completed(NodeMode.OnlineNormal, aborted: true, killed: 0)
            .Draining(1);
        Assert.Equal(new MixingCounters(1, 1, 3), c);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Completed(NodeMode.Unnormal, false, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Draining(-1));
    }

    [Fact]
    public void Suspects_AreReleasedOnTheSecondReviewThatSeesThem_AndForgottenOtherwise()
    {
        var s = new SuspectReservations();
        s.BeginReview("n1");
        Assert.False(s.Unconfirmed("j1"));
        Assert.False(s.Unconfirmed("j2"));
        s.EndReview();
        Assert.True(s.IsSuspect("n1", "j1"));

        s.BeginReview("n1");
        Assert.True(s.Unconfirmed("j1")); // seen twice: release
        s.EndReview(); // j2 not seen again: forgotten
        Assert.False(s.IsSuspect("n1", "j1"));
        Assert.False(s.IsSuspect("n1", "j2"));
    }

    [Fact]
    public void Suspects_OfOneNode_DoNotTouchAnother()
    {
        var s = new SuspectReservations();
        s.BeginReview("n1");
        s.Unconfirmed("j1");
        s.EndReview();
        s.BeginReview("n2");
        Assert.False(s.Unconfirmed("j1"));
        s.EndReview();
        Assert.True(s.IsSuspect("n1", "j1"));
        Assert.True(s.IsSuspect("n2", "j1"));
        Assert.Throws<InvalidOperationException>(() => s.Unconfirmed("j9"));
    }

    [Fact]
    public void Demand_CountsDesiredReplicaGpus_AndPendingOnes()
    {
        ServiceDemand[] demands = [Demand("a", 3, 2, 2), Demand("b", 1, 1, 1)];
        Assert.Equal(7, InferenceDemand.Gpus(demands));
        Assert.Equal(1, InferenceDemand.Pending(demands));
        Assert.Equal(0, InferenceDemand.Pending(Demand("c", 1, 3, 1)));
    }

    [Fact]
    public void Snapshot_From_NodesDemandPendingAndForecast()
    {
        var node = new NodeView(
            new NodeSpec("n1", "A10", 4, 32_000, 128_000), NodeMode.OnlineNormal, null, Resources.None, Resources.None,
            [new NodeAllocation("a/replica-0", AllocationKind.InferenceReplica, new Resources(2, 0, 0), T0), new NodeAllocation("job-1", AllocationKind.TrainingJob, new Resources(1, 0, 0), T0)],
            [new ModeTransition(NodeMode.Fixed, NodeMode.OnlineNormal, null, T0, "x")], 1);
        var withForecast = Demand("a", 3, 2, 2) with { Forecast = [new ReplicaForecast(T0.AddMinutes(5), 100, 4, 6)] };
        var snapshot = MixingSnapshot.From(T0, [node], [withForecast, Demand("b", 1, 1, 1)]);
        var n = Assert.Single(snapshot.Nodes);
        Assert.Equal(2, n.ReplicaGpus);
        Assert.Equal("job-1", Assert.Single(n.Jobs).JobId);
        Assert.Equal(T0, n.LastChange);
        Assert.Equal(7, snapshot.DemandGpus);
        Assert.Equal(new[] { 2 }, snapshot.PendingReplicaGpus.ToArray());
        Assert.Equal(new DemandPoint(T0.AddMinutes(5), 9, 13), Assert.Single(snapshot.Forecast)); // 4 x 2 + 1 x 1; busiest day 6 x 2 + 1 x 1
    }

    [Fact]
    public void Reasons_SayWhyAHandoverIsDrivenOn()
    {
        var settings = MixingSettings.Default;
        Assert.Equal("handover in progress resumed", MixingReasons.Resume(settings, NodeMode.OfflineNormal, false, false));
        Assert.Contains("within its grace", MixingReasons.Resume(settings, NodeMode.OnlineNormal, false, false), StringComparison.Ordinal);
        Assert.Contains("needs it now", MixingReasons.Resume(settings, NodeMode.OnlineNormal, true, true), StringComparison.Ordinal);
        Assert.Contains("is over", MixingReasons.Resume(settings, NodeMode.OnlineNormal, true, false), StringComparison.Ordinal);
        Assert.Equal("r; still draining: a, b left on the node", MixingReasons.StillDraining("r", ["a", "b"]));
    }

    private static ServiceDemand Demand(string service, int desired, int placed, int gpus) =>
        new(service, "A10", new Resources(gpus, 0, 0), desired, placed, []);
}
