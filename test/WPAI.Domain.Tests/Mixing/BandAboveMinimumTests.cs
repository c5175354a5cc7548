using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>
/// The band read above the services' minimum replicas (<see cref="MixingSettings.BandAboveMinimum"/>) on hand-built pools
/// with exact expectations: a replica held only by a service's minimum is not load, so a pool whose services idle at their
/// minimum lends down to the nodes that hold it, and does not take those nodes back while the demand stays there.
/// </summary>
public sealed class BandAboveMinimumTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LongAgo = Now.AddDays(-1);
    private static readonly MixingSettings Sized = MixingSettings.Default with { LendToForecast = true, ReclaimAhead = true };
    private static readonly MixingSettings AboveMinimum = Sized with { BandAboveMinimum = true };
    private static readonly MixingSettings WithRoom = AboveMinimum with { KeepRoomAboveMinimum = true };

    private static MixingNode Online(string name, int gpus, int replicaGpus) => new(name, NodeMode.OnlineNormal, null, gpus, replicaGpus, [], LongAgo);

    private static MixingNode Lent(string name, int gpus) => new(name, NodeMode.OfflineNormal, null, gpus, 0, [], LongAgo);

    private static DemandPoint[] Flat(double gpus, double hours) =>
        [.. Enumerable.Range(1, (int)(hours * 12)).Select(i => new DemandPoint(Now.AddMinutes(5 * i), gpus))];

    private static MixingSnapshot Snapshot(double demand, MixingNode[] nodes, DemandPoint[] forecast, double minimum) =>
        new(Now, [.. nodes], demand, [], [.. forecast], default, minimum);

    private static string[] Lends(MixingPlan plan) => [.. plan.Handovers.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => h.Node)];

    private static string[] Reclaims(MixingPlan plan) => [.. plan.Handovers.Where(h => h.Target == NodeMode.OnlineNormal).Select(h => h.Node)];

    [Theory]
    [InlineData(2, 4, 2, 0)] // at the minimum, room for it: nothing above it
    [InlineData(3, 4, 2, 0.5)] // 1 above the minimum over the 2 GPUs it leaves
    [InlineData(2, 2, 2, 0)] // the minimum fills the capacity exactly: still no load above it
    [InlineData(3, 2, 2, MixingPolicy.OverloadRate)] // demand above the minimum with no room at all
    [InlineData(1, 2, 3, MixingPolicy.OverloadRate)] // the minimum does not fit
    [InlineData(3, 4, 0, 0.75)] // no minimum: demand / capacity
    public void BandRate_IsTheDemandAboveTheMinimumOverTheRoomItLeaves(double demand, int online, double minimum, double expected) =>
        Assert.Equal(expected, MixingPolicy.BandRate(demand, online, minimum), 9);

    [Theory]
    [InlineData(2, 2, 2, MixingPolicy.OverloadRate)] // no room above the minimum: full, whatever the demand above it
    [InlineData(2, 4, 2, 0)] // room for it: nothing above the minimum
    [InlineData(3, 4, 2, 0.5)]
    [InlineData(1, 2, 3, MixingPolicy.OverloadRate)] // the minimum does not fit
    [InlineData(2, 2, 0, 1)] // no minimum: demand / capacity, room or not
    public void BandRate_KeepRoom_CountsNoRoomAboveTheMinimumAsFull(double demand, int online, double minimum, double expected) =>
        Assert.Equal(expected, MixingPolicy.BandRate(demand, online, minimum, keepRoom: true), 9);

    [Fact]
    public void Decide_KeepRoom_NeverLendsTheLastNodeAboveTheMinimum()
    {
        // Three 2-GPU nodes, two services at their minimum of 1 replica each on p1 and p2, forecast at the minimum for 4 h.
        MixingNode[] nodes = [Online("p1", 2, 1), Online("p2", 2, 1), Online("p3", 2, 0)];

        // Above the minimum: p3, then p1 (their replicas fit on p2, which the minimum fills exactly).
        Assert.Equal(["p3", "p1"], Lends(MixingPolicy.Decide(AboveMinimum, Snapshot(2, nodes, Flat(2, 4), minimum: 2))));

        // With room: p3 only; lending p1 too would leave no room above the minimum.
        Assert.Equal(["p3"], Lends(MixingPolicy.Decide(WithRoom, Snapshot(2, nodes, Flat(2, 4), minimum: 2))));
    }

    [Fact]
    public void Decide_KeepRoom_TakesBackAPoolLentDownToItsMinimum()
    {
        MixingNode[] nodes = [Online("p1", 2, 2), Lent("p2", 2)];

        Assert.Empty(MixingPolicy.Decide(AboveMinimum, Snapshot(2, nodes, Flat(2, 4), minimum: 2)).Handovers);
        Assert.Equal(["p2"], Reclaims(MixingPolicy.Decide(WithRoom, Snapshot(2, nodes, Flat(2, 4), minimum: 2))));
    }

    [Fact]
    public void Validate_KeepRoomWithoutTheBandAboveTheMinimum_NamesTheSetting()
    {
        var e = Assert.Throws<WpaiValidationException>(() => MixingPolicy.Validate(MixingSettings.Default with { KeepRoomAboveMinimum = true }));
        Assert.Equal("settings.keepRoomAboveMinimum", e.Field);
        MixingPolicy.Validate(MixingSettings.Default with { BandAboveMinimum = true, KeepRoomAboveMinimum = true });
    }

    [Fact]
    public void Decide_BandAboveMinimum_LendsTheNodeThatOnlyIdleMinimumReplicasKeepOnline()
    {
        // Two 2-GPU nodes, two services at their minimum of 1 replica each (one on each node), forecast at the minimum for 4 h.
        MixingNode[] nodes = [Online("p1", 2, 1), Online("p2", 2, 1)];

        // On the whole demand: lending one node leaves usage 2 / 2 = 1.0 above the 0.7 target: nothing is lent.
        Assert.Empty(MixingPolicy.Decide(Sized, Snapshot(2, nodes, Flat(2, 4), minimum: 2)).Handovers);

        // Above the minimum: nothing is asked beyond it and the 2 minimum replicas fit on the node kept: one node goes.
        var plan = MixingPolicy.Decide(AboveMinimum, Snapshot(2, nodes, Flat(2, 4), minimum: 2));
        Assert.Equal(["p1"], Lends(plan));
        Assert.Contains("0.00 above the 2 GPUs of minimum replicas", plan.Summary, StringComparison.Ordinal);
        Assert.Contains("0.00 above the minimum replicas", plan.Handovers[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_BandAboveMinimum_NeverLendsTheNodesTheMinimumNeeds()
    {
        // Two services with a minimum of 2 replicas each (4 GPUs) on 2-GPU nodes: two nodes must stay online.
        MixingNode[] nodes = [Online("p1", 2, 2), Online("p2", 2, 2), Online("p3", 2, 0)];
        Assert.Equal(["p3"], Lends(MixingPolicy.Decide(AboveMinimum, Snapshot(4, nodes, Flat(4, 4), minimum: 4))));
    }

    [Fact]
    public void Decide_BandAboveMinimum_HoldsAPoolLentDownToItsMinimum_AndReclaimsAheadOfDemandAboveIt()
    {
        MixingNode[] nodes = [Online("p1", 2, 2), Lent("p2", 2)];

        // On the whole demand the node kept runs at 1.0 > max 0.8: the lent node is taken back at once.
        Assert.Equal(["p2"], Reclaims(MixingPolicy.Decide(Sized, Snapshot(2, nodes, Flat(2, 4), minimum: 2))));

        // Above the minimum nothing is asked: hold.
        Assert.Empty(MixingPolicy.Decide(AboveMinimum, Snapshot(2, nodes, Flat(2, 4), minimum: 2)).Handovers);

        // A third replica forecast within the look-ahead hour has no room on the node kept: taken back ahead of it.
        DemandPoint[] rising = [.. Flat(2, 0.5), new DemandPoint(Now.AddMinutes(45), 3)];
        Assert.Equal(["p2"], Reclaims(MixingPolicy.Decide(AboveMinimum, Snapshot(2, nodes, rising, minimum: 2))));
    }

    [Fact]
    public void Decide_BandAboveMinimum_ReclaimTimesReadTheDemandAboveTheMinimum()
    {
        var doomed = AboveMinimum with { AvoidDoomedPlacement = true };
        MixingNode[] nodes = [Online("p1", 2, 2), Lent("p2", 2)];

        // The forecast stays at the minimum for 2 h, then asks a third replica: the lent node is expected back then (+ grace).
        DemandPoint[] later = [.. Flat(2, 2), new DemandPoint(Now.AddHours(2.5), 3)];
        var plan = MixingPolicy.Decide(doomed, Snapshot(2, nodes, later, minimum: 2));
        Assert.Empty(plan.Handovers);
        Assert.Equal(Now.AddHours(2.5) - doomed.LookAheadHorizon + doomed.ReclaimGrace, plan.ReclaimBy["p2"]);
    }

    [Fact]
    public void SnapshotFrom_SumsTheServicesMinimumReplicasInThePoolsUnit()
    {
        var gpu = new Resources(1, 0, 0);
        ServiceDemand[] demands =
        [
            new("a", "p100", gpu, 1, 1, [], MinReplicas: 1),
            new("b", "p100", gpu with { Gpus = 2 }, 3, 3, [], MinReplicas: 2),
            new("c", "p100", gpu, 2, 2, []),
        ];
        var view = new NodeView(new NodeSpec("n", "p100", 8, 64_000, 256_000), NodeMode.OnlineNormal, null, Resources.None, Resources.None, [], [], 1);

        var snapshot = MixingSnapshot.From(Now, [view], demands);

        Assert.Equal(5, snapshot.MinimumGpus); // 1 × 1 + 2 × 2 + 0
        Assert.Equal(9, snapshot.DemandGpus);
    }
}
