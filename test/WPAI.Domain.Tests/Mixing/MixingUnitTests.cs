using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>A CPU pool (no node has a GPU) mixes in CPU cores: capacity, replicas, demand and room are counted in cores.</summary>
public sealed class MixingUnitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly Resources FourCores = new(0, 4_000, 8_192);

    [Fact]
    public void Of_IsCpuCores_OnlyWhenThePoolHasNodesAndNoneHasAGpu()
    {
        Assert.Equal(MixingUnit.CpuCores, MixingUnit.Of([Cpu("c1", NodeMode.OnlineNormal), Cpu("c2", NodeMode.Fixed)]));
        Assert.Equal(MixingUnit.Gpus, MixingUnit.Of([Cpu("c1", NodeMode.OnlineNormal), Gpu("g1")]));
        Assert.Equal(MixingUnit.Gpus, MixingUnit.Of([]));
        Assert.Equal(MixingUnit.Gpus, default);
    }

    [Fact]
    public void Amount_CountsWholeCoresRoundedUp_OrGpus()
    {
        Assert.Equal(2, MixingUnit.CpuCores.Amount(new Resources(1, 1_500, 1)));
        Assert.Equal(1, MixingUnit.Gpus.Amount(new Resources(1, 1_500, 1)));
        Assert.Equal(31, MixingUnit.CpuCores.Capacity(new NodeSpec("c", "cpu", 0, 31_500, 1)));
    }

    [Fact]
    public void Decide_CpuPool_LendsTheIdleNodesAndKeepsTheOneServingReplicas()
    {
        // Three 32-core online nodes, two 4-core replicas on c1: demand 8 of 96 cores (0.08 < minRate 0.3). Lending stops
        // while the usage after lending stays under the band's midpoint: c2 and c3 go (8 / 32 = 0.25), c1 stays.
        NodeView[] views = [Cpu("c1", NodeMode.OnlineNormal, replicas: 2), Cpu("c2", NodeMode.OnlineNormal), Cpu("c3", NodeMode.OnlineNormal)];
        var snapshot = MixingSnapshot.From(T0, views, [Demand(desired: 2, placed: 2)]);

        Assert.Equal(8, snapshot.DemandGpus);
        Assert.Equal([32, 32, 32], snapshot.Nodes.Select(n => n.Gpus));
        var plan = MixingPolicy.Decide(MixingSettings.Default, snapshot);
        Assert.Equal(["c2", "c3"], plan.Handovers.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => h.Node).Order(StringComparer.Ordinal));
        Assert.All(plan.Handovers, h => Assert.Contains("/32 CPU cores serve replicas", h.Reason, StringComparison.Ordinal)); // counted in cores, said in cores
        Assert.Equal(MixingUnit.CpuCores, snapshot.Unit);
    }

    [Fact]
    public void Decide_CpuPool_ReclaimsALentNode_WhenTheReplicasNeedTheCores()
    {
        // c1 serves 7 replicas (28 of 32 cores), the service wants 9 (36 cores): usage 1.125 > maxRate, one replica pending.
        NodeView[] views = [Cpu("c1", NodeMode.OnlineNormal, replicas: 7), Cpu("c2", NodeMode.OfflineNormal, jobs: 1)];
        var plan = MixingPolicy.Decide(MixingSettings.Default, MixingSnapshot.From(T0, views, [Demand(desired: 9, placed: 7)]));

        Assert.Equal(["c2"], plan.Handovers.Where(h => h.Target == NodeMode.OnlineNormal).Select(h => h.Node));
    }

    [Fact]
    public void ReclaimIsUrgent_CpuPool_CountsRoomInCores()
    {
        var on = MixingSettings.Default with { KillOnlyForRoom = true };
        NodeView[] room = [Cpu("c1", NodeMode.OnlineNormal, replicas: 7), Cpu("c2", NodeMode.Unnormal, target: NodeMode.OnlineNormal, jobs: 1)];
        NodeView[] full = [Cpu("c1", NodeMode.OnlineNormal, replicas: 8), Cpu("c2", NodeMode.Unnormal, target: NodeMode.OnlineNormal, jobs: 1)];

        Assert.False(MixingPolicy.ReclaimIsUrgent(on, room, [Demand(desired: 8, placed: 7)])); // 4 cores free on c1: the replica fits
        Assert.True(MixingPolicy.ReclaimIsUrgent(on, full, [Demand(desired: 9, placed: 8)])); // 36 cores wanted, 32 serving
        Assert.Equal(32, MixingPolicy.ServingGpus(room));
    }

    private static NodeView Cpu(string name, NodeMode mode, int replicas = 0, NodeMode? target = null, int jobs = 0) =>
        View(new NodeSpec(name, "cpu", 0, 32_000, 131_072), mode, replicas, target, jobs);

    private static NodeView Gpu(string name) => View(new NodeSpec(name, "cpu", 2, 32_000, 131_072), NodeMode.OnlineNormal, 0, null, 0);

    private static NodeView View(NodeSpec spec, NodeMode mode, int replicas, NodeMode? target, int jobs)
    {
        var allocations = ImmutableArray.CreateBuilder<NodeAllocation>();
        for (var r = 0; r < replicas; r++)
        {
            allocations.Add(new NodeAllocation($"svc/replica-{spec.Name}-{r}", AllocationKind.InferenceReplica, FourCores, T0.AddHours(-4)));
        }

        for (var j = 0; j < jobs; j++)
        {
            allocations.Add(new NodeAllocation($"job-{spec.Name}-{j}", AllocationKind.TrainingJob, new Resources(0, 8_000, 16_384), T0.AddHours(-1)));
        }

        return new NodeView(spec, mode, target, Resources.None, Resources.None, allocations.ToImmutable(), [new ModeTransition(NodeMode.OnlineNormal, mode, target, T0.AddHours(-4), "x")], 1);
    }

    private static ServiceDemand Demand(int desired, int placed) => new("svc", "cpu", FourCores, desired, placed, []);
}
