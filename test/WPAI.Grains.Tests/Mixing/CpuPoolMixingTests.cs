using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Grains.Tests.Inference;

namespace WPAI.Grains.Tests.Mixing;

/// <summary>The mixing controller grain on a CPU pool (no node has a GPU): it measures usage in CPU cores.</summary>
[Collection(InferenceClusterCollection.Name)]
public sealed class CpuPoolMixingTests(InferenceClusterFixture fixture)
{
    private readonly MixingPool _p = new(fixture.Grains);

    [Fact]
    public async Task Tick_CpuPool_LendsTheIdleNodes_AndKeepsTheReplicasNode()
    {
        // Three 32-core CPU nodes online, one 1-core replica: usage 1 / 96 cores. Lending stops while the usage after
        // lending stays under the band's midpoint, so the two idle nodes go and the replica's node stays.
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _p.AddNodeAsync(name, 0, NodeMode.OnlineNormal);
        }

        await _p.DeployAsync(1, replicaGpus: 0);
        var replicaNode = Assert.Single((await _p.Service.GetAsync()).Replicas).Node;
        await _p.Grains.GetGrain<IDepartmentGrain>(_p.Dept).SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add(_p.Pool, 8));
        await _p.Controller.ConfigureAsync(MixingPool.Settings);

        var decisions = await _p.Controller.TickAsync();

        var lent = decisions.Where(d => d.To == NodeMode.OfflineNormal).Select(d => d.Node).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "a", "b", "c" }.Select(_p.Name).Where(n => n != replicaNode), lent);
        Assert.DoesNotContain(decisions, d => d.Node == replicaNode);
        var view = await _p.Controller.GetAsync();
        Assert.Equal(96, view.OnlineGpus); // CPU cores, measured before lending
        Assert.Equal("CPU cores", view.Unit);
        Assert.Equal(1.0 / 96, view.UsageRate, 9);
        foreach (var node in lent)
        {
            Assert.Equal(NodeMode.OfflineNormal, (await _p.Grains.GetGrain<INodeGrain>(node).GetAsync()).Mode);
        }
    }
}
