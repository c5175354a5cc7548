using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Grains.Tests.Inference;

namespace WPAI.Grains.Tests.Mixing;

/// <summary>The controller grain reads the lent nodes' jobs' expected ends and, with <c>ReclaimSoonestEnding</c>, takes back the node whose job ends first.</summary>
[Collection(InferenceClusterCollection.Name)]
public sealed class SoonestEndingReclaimTests(InferenceClusterFixture fixture)
{
    /// <summary>
    /// Three 4-GPU online nodes, one replica: the two empty nodes are lent. A 2-hour job starts on one, a 10-hour job a minute
    /// later on the other; then the service wants all 4 GPUs of its node (usage 1.0 &gt; 0.8) and one lent node comes back.
    /// </summary>
    private async Task<(string Reclaimed, string ShortNode, string LongNode)> ReclaimOneAsync(MixingSettings settings)
    {
        var p = new MixingPool(fixture.Grains);
        foreach (var name in new[] { "a", "x", "y" })
        {
            await p.AddNodeAsync(name, 4, NodeMode.OnlineNormal);
        }

        await p.DeployAsync(1);
        await p.Grains.GetGrain<IDepartmentGrain>(p.Dept).SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add(p.Pool, 12));
        await p.Controller.ConfigureAsync(settings);
        var lent = (await p.Controller.TickAsync()).Where(d => d.To == NodeMode.OfflineNormal).Select(d => d.Node).ToList();
        Assert.Equal(2, lent.Count);

        var shortJob = await p.SubmitAsync("short", 4, TimeSpan.FromHours(2));
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var longJob = await p.SubmitAsync("long", 4, TimeSpan.FromHours(10));
        var shortNode = (await p.JobAsync(shortJob)).Placement!.Node;
        var longNode = (await p.JobAsync(longJob)).Placement!.Node;
        Assert.Equal(lent.Order(StringComparer.Ordinal), new[] { shortNode, longNode }.Order(StringComparer.Ordinal));

        fixture.Clock.Advance(TimeSpan.FromMinutes(31)); // past the dwell time
        await p.Service.ScaleAsync(4, "peak");
        var back = Assert.Single((await p.Controller.TickAsync()).Where(d => d.Target == NodeMode.OnlineNormal && d.From == NodeMode.OfflineNormal));
        return (back.Node, shortNode, longNode);
    }

    [Fact]
    public async Task Tick_SoonestEnding_TakesBackTheNodeWhoseJobEndsFirst_WhereLeastWorkLostWouldTakeTheOther()
    {
        var leastLost = await ReclaimOneAsync(MixingPool.Settings);
        Assert.Equal(leastLost.LongNode, leastLost.Reclaimed); // the 10-hour job has run a minute less

        var soonest = await ReclaimOneAsync(MixingPool.Settings with { ReclaimSoonestEnding = true });
        Assert.Equal(soonest.ShortNode, soonest.Reclaimed);
    }
}
