using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>Fewest runs killed: which lent nodes a reclaim that must kill at once takes back, and which it drives first.</summary>
public sealed class ReclaimFewestKillsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly MixingSettings Usual = MixingSettings.Default with { KillOnlyForRoom = true };
    private static readonly MixingSettings Fewest = Usual with { ReclaimFewestKills = true };

    // x: three 1-GPU runs started 6 min ago (0.3 GPU-h), w: two started 12 min ago (0.4 GPU-h), y: one 2-GPU run for 2 h (4 GPU-h).
    private static readonly MixingNode X = Lent("x", Run("x1", 1, 0.1), Run("x2", 1, 0.1), Run("x3", 1, 0.1));
    private static readonly MixingNode W = Lent("w", Run("w1", 1, 0.2), Run("w2", 1, 0.2));
    private static readonly MixingNode Y = Lent("y", Run("y1", 2, 2));

    [Fact]
    public void Decide_ReclaimThatKillsNow_TakesTheNodesWithFewestRunsFirst()
    {
        // Demand 14 on 8 serving GPUs, all held, 6 replicas pending: two lent nodes must come back and be killed at once.
        MixingNode[] nodes = [Online("a", 8, 8), X, W, Y];
        var snapshot = new MixingSnapshot(Now, [.. nodes], 14, [1, 1, 1, 1, 1, 1], []);
        Assert.Equal(["x", "w"], Reclaims(MixingPolicy.Decide(Usual, snapshot))); // least work lost: 5 runs killed
        Assert.Equal(["y", "w"], Reclaims(MixingPolicy.Decide(Fewest, snapshot))); // fewest runs: 3 runs killed
    }

    [Fact]
    public void Decide_ReclaimThatMayDrain_KeepsTheUsualOrder()
    {
        // Demand 14 on 16 serving GPUs (rate 0.875 > 0.8), nothing pending: the node taken back drains, nothing dies now.
        MixingNode[] nodes = [Online("a", 8, 7), Online("b", 8, 7), X, W, Y];
        var snapshot = new MixingSnapshot(Now, [.. nodes], 14, [], []);
        Assert.Equal(["x"], Reclaims(MixingPolicy.Decide(Usual, snapshot)));
        Assert.Equal(["x"], Reclaims(MixingPolicy.Decide(Fewest, snapshot)));
    }

    [Fact]
    public void InProgressOrder_NodesDrainingBack_FewestRunsFirst_OnlyWhileInferenceHasNoRoom()
    {
        MixingNode[] draining = [Back(X), Back(W), Back(Y)];
        var noRoom = new MixingSnapshot(Now, [Online("a", 8, 8), .. draining], 12, [], []);
        Assert.Equal(["x", "w", "y"], MixingPolicy.InProgressOrder(Usual, noRoom).ToArray());
        Assert.Equal(["y", "w", "x"], MixingPolicy.InProgressOrder(Fewest, noRoom).ToArray());

        var room = noRoom with { DemandGpus = 6, Nodes = [Online("a", 8, 6), .. draining] };
        Assert.Equal(["x", "w", "y"], MixingPolicy.InProgressOrder(Fewest, room).ToArray());
    }

    [Fact]
    public void Settings_DefaultLeavesItOff() => Assert.False(MixingSettings.Default.ReclaimFewestKills);

    private static string[] Reclaims(MixingPlan plan) => [.. plan.Handovers.Where(h => h.Target == NodeMode.OnlineNormal).Select(h => h.Node)];

    private static MixingNode Online(string name, int gpus, int replicaGpus) => new(name, NodeMode.OnlineNormal, null, gpus, replicaGpus, [], Now.AddDays(-1));

    private static MixingNode Lent(string name, params TrainingRun[] jobs) => new(name, NodeMode.OfflineNormal, null, 8, 0, [.. jobs], Now.AddDays(-1));

    private static MixingNode Back(MixingNode node) => node with { Mode = NodeMode.Unnormal, Target = NodeMode.OnlineNormal };

    private static TrainingRun Run(string id, int gpus, double hoursAgo) => new(id, gpus, Now.AddHours(-hoursAgo));
}
