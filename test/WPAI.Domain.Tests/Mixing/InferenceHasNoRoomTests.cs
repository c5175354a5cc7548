using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>
/// One definition of "inference has no room without a reclaim": the reclaims <see cref="MixingPolicy.Decide"/> starts, the
/// order of the reclaims in progress and the controller's kills at once read the same serving nodes.
/// </summary>
public sealed class InferenceHasNoRoomTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly MixingSettings Room = MixingSettings.Default with { KillOnlyForRoom = true, ReclaimFewestKills = true };

    // a serves with all 8 GPUs held by replicas; d is draining back with training on all 8 GPUs; x and y are lent.
    private static readonly MixingNode A = new("a", NodeMode.OnlineNormal, null, 8, 8, [], Now.AddDays(-1));
    private static readonly MixingNode D = new("d", NodeMode.Unnormal, NodeMode.OnlineNormal, 8, 0, [Run("d1", 8, 1)], Now.AddMinutes(-10));
    private static readonly MixingNode X = new("x", NodeMode.OfflineNormal, null, 8, 0, [Run("x1", 1, 0.1), Run("x2", 1, 0.1)], Now.AddMinutes(-10));
    private static readonly MixingNode Y = new("y", NodeMode.OfflineNormal, null, 8, 0, [Run("y1", 4, 3)], Now.AddMinutes(-10));

    [Fact]
    public void Decide_NodeDrainingBackWithTraining_IsNoRoomForAPendingReplica()
    {
        // Demand 9 (one replica pending) on 16 online GPUs: usage 0.56 is inside the band, but the only room is d's GPUs,
        // which its training holds. Inference has no room: a lent node comes back at once (within its dwell), fewest runs first.
        var snapshot = new MixingSnapshot(Now, [A, D, X, Y], 9, [1], []);
        Assert.True(MixingPolicy.InferenceHasNoRoom(snapshot));
        var plan = MixingPolicy.Decide(Room, snapshot);
        Assert.Equal(["y"], plan.Handovers.Where(h => h.Target == NodeMode.OnlineNormal).Select(h => h.Node).ToArray());
    }

    [Fact]
    public void Decide_PendingReplicaWithRoomOnTheServingNodes_HoldsInsideTheBand()
    {
        var snapshot = new MixingSnapshot(Now, [A with { ReplicaGpus = 7 }, D, X, Y], 8, [1], []);
        Assert.False(MixingPolicy.InferenceHasNoRoom(snapshot));
        Assert.Empty(MixingPolicy.Decide(Room, snapshot).Handovers);
    }

    [Theory]
    [InlineData(8, 8, 0, 0, false)] // full, nothing pending
    [InlineData(9, 8, 1, 0, true)] // demand above the serving GPUs
    [InlineData(8, 7, 1, 1, false)] // the pending replica fits on a's free GPU
    [InlineData(8, 7, 1, 0, true)] // a's free GPU is held by a training run still there
    public void ReclaimIsUrgent_OverNodeViews_IsInferenceHasNoRoomOfTheirSnapshot(int demand, int replicaGpus, int pending, int freeOnA, bool noRoom)
    {
        NodeView[] views =
        [
            View("a", NodeMode.OnlineNormal, null, replicaGpus, trainingGpus: 8 - replicaGpus - freeOnA),
            View("d", NodeMode.Unnormal, NodeMode.OnlineNormal, 0, trainingGpus: 8),
        ];
        ServiceDemand[] demands = [new("svc", "G2", new Resources(1, 0, 0), demand, demand - pending, [])];
        Assert.Equal(noRoom, MixingPolicy.ReclaimIsUrgent(Room, views, demands));
        Assert.Equal(noRoom, MixingPolicy.InferenceHasNoRoom(MixingSnapshot.From(Now, views, demands)));
    }

    private static TrainingRun Run(string id, int gpus, double hoursAgo) => new(id, gpus, Now.AddHours(-hoursAgo));

    private static NodeView View(string name, NodeMode mode, NodeMode? target, int replicaGpus, int trainingGpus)
    {
        var allocations = ImmutableArray.CreateBuilder<NodeAllocation>();
        if (replicaGpus > 0)
        {
            allocations.Add(new NodeAllocation($"svc/replica-{name}", AllocationKind.InferenceReplica, new Resources(replicaGpus, 0, 0), Now));
        }

        if (trainingGpus > 0)
        {
            allocations.Add(new NodeAllocation($"job-{name}", AllocationKind.TrainingJob, new Resources(trainingGpus, 0, 0), Now.AddHours(-1)));
        }

        return new NodeView(
            new NodeSpec(name, "G2", 8, 64_000, 256_000), mode, target, Resources.None, Resources.None, allocations.ToImmutable(),
            [new ModeTransition(NodeMode.OnlineNormal, mode, target, Now.AddHours(-4), "x")], 1);
    }
}
