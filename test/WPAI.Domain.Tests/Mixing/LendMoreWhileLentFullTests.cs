using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Mixing;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>
/// Demand-aware lending (<see cref="MixingSettings.LendMoreWhileLentFull"/>) on hand-built pools with exact expectations:
/// forecast-sized lending sizes the online part to <c>MaxRate</c> instead of <c>LendTargetRate</c> only while nodes are lent
/// and none of them has a GPU free.
/// </summary>
public sealed class LendMoreWhileLentFullTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 20, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LongAgo = Now.AddDays(-1);
    private static readonly MixingSettings Sized = MixingSettings.Default with { LendToForecast = true };
    private static readonly MixingSettings WhileFull = Sized with { LendMoreWhileLentFull = true };

    private static MixingNode Online(string name, int gpus, int replicaGpus) => new(name, NodeMode.OnlineNormal, null, gpus, replicaGpus, [], LongAgo);

    private static MixingNode Lent(string name, params int[] jobGpus) =>
        new(name, NodeMode.OfflineNormal, null, 8, 0, [.. jobGpus.Select((g, i) => new TrainingRun($"{name}-{i}", g, LongAgo))], LongAgo);

    private static DemandPoint[] Flat(double gpus) => [.. Enumerable.Range(1, 48).Select(i => new DemandPoint(Now.AddMinutes(5 * i), gpus))];

    // 4 × 8 GPUs online; replicas a 4, b 3, c 3, d 0; demand 12 GPUs all the next 4 h, plus one lent node x.
    // At 0.7: d goes (12/24 = 0.5), b would leave 12/16 = 0.75. At 0.8: d and b (0.75), c would leave 12/8.
    private static string[] Lends(MixingSettings settings, MixingNode lent)
    {
        var plan = MixingPolicy.Decide(settings, new MixingSnapshot(Now, [Online("a", 8, 4), Online("b", 8, 3), Online("c", 8, 3), Online("d", 8, 0), lent], 12, [], [.. Flat(12)]));
        return [.. plan.Handovers.Where(h => h.Target == NodeMode.OfflineNormal).Select(h => h.Node)];
    }

    [Fact]
    public void Decide_LentNodesFull_SizesToMaxRate()
    {
        Assert.Equal(["d", "b"], Lends(WhileFull, Lent("x", 4, 2, 2)));
        Assert.Equal(["d"], Lends(Sized, Lent("x", 4, 2, 2))); // the option off: the target rate
    }

    [Fact]
    public void Decide_LentRoomFree_KeepsTheTargetRate()
    {
        Assert.Equal(["d"], Lends(WhileFull, Lent("x", 4, 2))); // 2 GPUs free on x
        Assert.Equal(["d"], Lends(WhileFull, Lent("x")));       // x idle
    }

    [Fact]
    public void LentRoomFull_NeedsALentNode_WithNoGpuFree()
    {
        Assert.False(MixingPolicy.LentRoomFull([Online("a", 8, 0)]));
        Assert.True(MixingPolicy.LentRoomFull([Online("a", 8, 0), Lent("x", 8)]));
        Assert.False(MixingPolicy.LentRoomFull([Lent("x", 8), Lent("y", 7)]));
        Assert.False(MixingPolicy.LentRoomFull([new MixingNode("z", NodeMode.Unnormal, NodeMode.OfflineNormal, 8, 0, [], LongAgo)])); // still draining in
    }

    [Fact]
    public void Validate_LendMoreWithoutForecastSizing_NamesTheSetting()
    {
        var e = Assert.Throws<WpaiValidationException>(() => MixingPolicy.Validate(MixingSettings.Default with { LendMoreWhileLentFull = true }));
        Assert.Equal("settings.lendMoreWhileLentFull", e.Field);
        MixingPolicy.Validate(WhileFull);
    }
}
