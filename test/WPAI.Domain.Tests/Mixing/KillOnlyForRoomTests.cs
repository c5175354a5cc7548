using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>Kills only for room: when a reclaim must kill at once, and in which order the handovers in progress are driven.</summary>
public sealed class KillOnlyForRoomTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly MixingSettings Off = MixingSettings.Default;
    private static readonly MixingSettings On = MixingSettings.Default with { KillOnlyForRoom = true };

    [Fact]
    public void ReclaimIsUrgent_AnyPendingReplica_WithoutTheOption()
    {
        // 8 serving GPUs, 4 held by replicas, demand 5 with 1 pending: the pending replica has room, but the old rule kills.
        NodeView[] views = [Node("s1", 8, NodeMode.OnlineNormal, replicaGpus: 4), Node("d1", 8, NodeMode.Unnormal, target: NodeMode.OnlineNormal, jobs: 2)];
        Assert.True(MixingPolicy.ReclaimIsUrgent(Off, views, [Demand(5, 4)]));
    }

    [Fact]
    public void ReclaimIsUrgent_NotWhenThePendingReplicasFitOnTheServingNodes()
    {
        NodeView[] views = [Node("s1", 8, NodeMode.OnlineNormal, replicaGpus: 4), Node("d1", 8, NodeMode.Unnormal, target: NodeMode.OnlineNormal, jobs: 2)];
        Assert.False(MixingPolicy.ReclaimIsUrgent(On, views, [Demand(5, 4)]));
    }

    [Fact]
    public void ReclaimIsUrgent_WhenThePendingReplicasFindNoRoom()
    {
        // 10 serving GPUs, all held: the pending replica has nowhere to go, although the demand (10) does not exceed them.
        NodeView[] views = [Node("s1", 8, NodeMode.OnlineNormal, replicaGpus: 8), Node("s2", 2, NodeMode.OnlineNormal, replicaGpus: 2)];
        Assert.True(MixingPolicy.ReclaimIsUrgent(On, views, [Demand(10, 9, gpus: 1)]));
        Assert.False(MixingPolicy.ReclaimIsUrgent(On, views, [Demand(9, 9, gpus: 1)]));
    }

    [Fact]
    public void ReclaimIsUrgent_WhenAReplicaFitsNoSingleNode()
    {
        // 2 + 2 free GPUs on two nodes, a pending 4-GPU replica fits on neither: urgent, though 4 GPUs are free in all.
        NodeView[] views = [Node("s1", 8, NodeMode.OnlineNormal, replicaGpus: 6), Node("s2", 8, NodeMode.OnlineNormal, replicaGpus: 6)];
        Assert.True(MixingPolicy.ReclaimIsUrgent(On, views, [Demand(4, 3, gpus: 4)]));
    }

    [Fact]
    public void ReclaimIsUrgent_WhenDemandExceedsTheServingGpus_EvenWithNothingPending()
    {
        NodeView[] views = [Node("s1", 8, NodeMode.OnlineNormal, replicaGpus: 8), Node("d1", 8, NodeMode.Unnormal, target: NodeMode.OnlineNormal)];
        Assert.True(MixingPolicy.ReclaimIsUrgent(On, views, [Demand(9, 9)]));
        Assert.False(MixingPolicy.ReclaimIsUrgent(On, views, [Demand(8, 8)]));
    }

    [Fact]
    public void InProgressOrder_ReclaimsInReclaimOrder_ThenLends_WithTheOption()
    {
        // d-big has 2 jobs running 3 h, d-idle none, d-small 1 job for 1 h; l1 is being lent.
        NodeView[] views =
        [
            Node("d-big", 8, NodeMode.Unnormal, target: NodeMode.OnlineNormal, jobs: 2, since: T0.AddHours(-3)),
            Node("l1", 8, NodeMode.Unnormal, target: NodeMode.OfflineNormal),
            Node("d-small", 8, NodeMode.Unnormal, target: NodeMode.OnlineNormal, jobs: 1, since: T0.AddHours(-1)),
            Node("d-idle", 8, NodeMode.Unnormal, target: NodeMode.OnlineNormal),
            Node("s1", 8, NodeMode.OnlineNormal),
        ];
        var snapshot = MixingSnapshot.From(T0, views, []);
        Assert.Equal(["d-idle", "d-small", "d-big", "l1"], MixingPolicy.InProgressOrder(On, snapshot).ToArray());
        Assert.Equal(["d-big", "l1", "d-small", "d-idle"], MixingPolicy.InProgressOrder(Off, snapshot).ToArray());
    }

    [Fact]
    public void Settings_DefaultsLeaveBothMechanismsOff() =>
        Assert.False(MixingSettings.Default.KillOnlyForRoom || MixingSettings.Default.PlaceOnReclaim);

    private static NodeView Node(string name, int gpus, NodeMode mode, int replicaGpus = 0, NodeMode? target = null, int jobs = 0, DateTimeOffset? since = null)
    {
        var allocations = ImmutableArray.CreateBuilder<NodeAllocation>();
        if (replicaGpus > 0)
        {
            allocations.Add(new NodeAllocation($"svc/replica-{name}", AllocationKind.InferenceReplica, new Resources(replicaGpus, 0, 0), T0));
        }

        for (var j = 0; j < jobs; j++)
        {
            allocations.Add(new NodeAllocation($"job-{name}-{j}", AllocationKind.TrainingJob, new Resources(1, 0, 0), since ?? T0));
        }

        return new NodeView(
            new NodeSpec(name, "G2", gpus, 64_000, 256_000), mode, target, Resources.None, Resources.None, allocations.ToImmutable(),
            [new ModeTransition(NodeMode.OnlineNormal, mode, target, T0.AddHours(-4), "x")], 1);
    }

    private static ServiceDemand Demand(int desired, int placed, int gpus = 1) => new("svc", "G2", new Resources(gpus, 0, 0), desired, placed, []);
}
