using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Simulation.Mixing;

namespace WPAI.Simulation.Tests.Mixing;

public sealed class HandoverCountTests
{
    private static PoolDecision D(string node, NodeMode from, NodeMode to, NodeMode target, params string[] killed) =>
        new("T4", new MixingDecision(DateTimeOffset.UnixEpoch, node, from, to, target, 0.2, "test", [.. killed], ImmutableArray<string>.Empty));

    [Fact]
    public void Handovers_AbortedLend_IsNeitherALendNorAReclaim()
    {
        PoolDecision[] decisions =
        [
            D("a", NodeMode.OnlineNormal, NodeMode.Unnormal, NodeMode.OfflineNormal),
            D("a", NodeMode.Unnormal, NodeMode.OfflineNormal, NodeMode.OfflineNormal),
            D("b", NodeMode.OnlineNormal, NodeMode.Unnormal, NodeMode.OfflineNormal),
            D("b", NodeMode.Unnormal, NodeMode.OnlineNormal, NodeMode.OnlineNormal), // replicas found no room: aborted
            D("a", NodeMode.OfflineNormal, NodeMode.Unnormal, NodeMode.OnlineNormal),
            D("a", NodeMode.Unnormal, NodeMode.OnlineNormal, NodeMode.OnlineNormal, "job-1"),
        ];

        var (lends, reclaims) = MixingMetricsCalculator.Handovers(decisions);

        Assert.Equal(1, lends);
        Assert.Equal(1, reclaims);
    }
}
