using WPAI.Grains.Tests.Inference;

namespace WPAI.Grains.Tests.Mixing;

/// <summary>
/// Placing on reclaim: when a reclaim brings a node back to serving, the pool's services with pending replicas place them in
/// the same tick; without the option they wait for their next evaluation.
/// </summary>
[Collection(InferenceClusterCollection.Name)]
public sealed class PlaceOnReclaimTests(InferenceClusterFixture fixture)
{
    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    public async Task Tick_UrgentReclaim_PlacesThePendingReplicaInTheSameTick_OnlyWithTheOption(bool placeOnReclaim, int pendingAfter)
    {
        var p = new MixingPool(fixture.Grains);
        var (a, _) = await p.TwoNodesAsync();
        await p.Controller.ConfigureAsync(MixingPool.Settings with { PlaceOnReclaim = placeOnReclaim });
        await p.Controller.TickAsync(); // lends a
        await p.SubmitAsync("victim", 1, TimeSpan.FromHours(1));
        await p.Service.ScaleAsync(5, "burst"); // 4 fit on b, 1 pending

        var decisions = await p.Controller.TickAsync();

        Assert.Equal(a, decisions[^1].Node);
        Assert.Equal(NodeMode.OnlineNormal, decisions[^1].To);
        var service = await p.Service.GetAsync();
        Assert.Equal(pendingAfter, service.PendingReplicas);
        Assert.Equal(pendingAfter == 0, service.Replicas.Any(r => r.Node == a));
    }
}
