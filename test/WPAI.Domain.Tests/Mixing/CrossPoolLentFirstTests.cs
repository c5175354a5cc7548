using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Domain.Mixing;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Mixing;

/// <summary>Cross-pool lent-first placement: which lent room a pool offers a job, and the pool order it gives the job.</summary>
public sealed class CrossPoolLentFirstTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 22, 0, 0, TimeSpan.Zero);
    private static readonly Resources Four = new(4, 32_000, 131_072);
    private static readonly Resources TwoGpus = new(2, 1_000, 1_024);
    private static readonly ImmutableArray<string> Pools = ["G3", "G2", "T4"];

    private static string[] Order(DateTimeOffset?[] lentRoomUntil, DateTimeOffset now, TimeSpan expectedDuration) =>
        [.. CrossPoolLentFirst.Order(Pools, lentRoomUntil, now, expectedDuration)];

    private static NodeSlot Slot(string name, NodeMode mode, int freeGpus) => new(name, mode, Four, Four with { Gpus = freeGpus });

    [Fact]
    public void LentRoomUntil_IsTheLatestReclaimAmongLentNodesWithRoom()
    {
        NodeSlot[] nodes =
        [
            Slot("fixed", NodeMode.Fixed, 4),
            Slot("online", NodeMode.OnlineNormal, 4),
            Slot("draining", NodeMode.Unnormal, 4),
            Slot("lent-2h", NodeMode.OfflineNormal, 4),
            Slot("lent-5h", NodeMode.OfflineNormal, 4),
            Slot("lent-9h-full", NodeMode.OfflineNormal, 1),
        ];
        var reclaimBy = new Dictionary<string, DateTimeOffset>
        {
            ["lent-2h"] = Now.AddHours(2),
            ["lent-5h"] = Now.AddHours(5),
            ["lent-9h-full"] = Now.AddHours(9),
        };

        Assert.Equal(Now.AddHours(5), CrossPoolLentFirst.LentRoomUntil(TwoGpus, nodes, reclaimBy)); // the 9 h node has 1 GPU free
        Assert.Equal(Now.AddHours(9), CrossPoolLentFirst.LentRoomUntil(new Resources(1, 1_000, 1_024), nodes, reclaimBy));
        Assert.Null(CrossPoolLentFirst.LentRoomUntil(TwoGpus, nodes[..3], reclaimBy)); // Fixed, online and draining nodes are not lent room
        Assert.Null(CrossPoolLentFirst.LentRoomUntil(new Resources(8, 1_000, 1_024), nodes, reclaimBy));
    }

    [Fact]
    public void LentRoomUntil_IsForeverForALentNodeWithoutForecast()
    {
        NodeSlot[] nodes = [Slot("lent-2h", NodeMode.OfflineNormal, 4), Slot("lent", NodeMode.OfflineNormal, 4)];

        Assert.Equal(DateTimeOffset.MaxValue, CrossPoolLentFirst.LentRoomUntil(TwoGpus, nodes, new Dictionary<string, DateTimeOffset> { ["lent-2h"] = Now.AddHours(2) }));
    }

    [Fact]
    public void Order_MovesTheFirstPoolWhoseLentRoomOutlastsTheJobToTheFront()
    {
        DateTimeOffset?[] room = [null, Now.AddHours(3), DateTimeOffset.MaxValue];

        Assert.Equal(["G2", "G3", "T4"], Order(room, Now, TimeSpan.FromHours(2)));
        Assert.Equal(["G2", "G3", "T4"], Order(room, Now, TimeSpan.FromHours(3))); // ends exactly when G2's node is due back
        Assert.Equal(["T4", "G3", "G2"], Order(room, Now, TimeSpan.FromHours(4))); // G2's lent room would be reclaimed first
    }

    [Fact]
    public void Order_KeepsTheJobsOrder_WhenItsFirstPoolHasLentRoomOrNoneOutlastsIt()
    {
        Assert.Equal(["G3", "G2", "T4"], Order([Now.AddHours(3), DateTimeOffset.MaxValue, null], Now, TimeSpan.FromHours(1)));
        Assert.Equal(["G3", "G2", "T4"], Order([null, Now.AddHours(1), null], Now, TimeSpan.FromHours(2)));
        Assert.Equal(["G3", "G2", "T4"], Order([null, null, null], Now, TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Order_KeepsTheJobsOrder_WithoutAnExpectedRunTime()
    {
        Assert.Equal(["G3", "G2", "T4"], Order([null, DateTimeOffset.MaxValue, null], Now, TimeSpan.Zero));
    }

    [Fact]
    public void Order_Throws_WhenTheTimesDoNotMatchThePools()
    {
        Assert.Throws<ArgumentException>(() => Order([null], Now, TimeSpan.FromHours(1)));
    }
}
