using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="PoolLedger.LargestFree"/> is kept node by node between passes; after any sequence of node reports it must
/// name the node a full scan names: the most GPUs free among the modes a training job may use, ties to the first name.
/// </summary>
public sealed class PoolLedgerLargestFreeTests
{
    private static readonly NodeMode[] Modes = [NodeMode.Fixed, NodeMode.OfflineNormal, NodeMode.OnlineNormal, NodeMode.Unnormal, NodeMode.Down];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LargestFree_AfterRandomReports_IsWhatAFullScanFinds(int seed)
    {
        var random = new Random(seed);
        var ledger = PoolLedger.Of("G", [], [], new Dictionary<string, int>());
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var step = 0; step < 2_000; step++)
        {
            var node = "n" + random.Next(12).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var gpus = random.Next(9);
            var capacity = new Resources(8, 64_000, 512_000);
            var free = new Resources(gpus, 1_000 * gpus, 1_000 * gpus);
            var version = versions[node] = versions.GetValueOrDefault(node) + 1;
            var mode = random.Next(4) == 0 ? Modes[random.Next(Modes.Length)] : NodeMode.Fixed;
            ledger.Observe(new NodeCapacity(node, "G", mode, capacity, free, version));

            if (random.Next(3) == 0)
            {
                var longRunning = random.Next(2) == 0;
                Assert.Equal(Scan(ledger, longRunning)?.Node, ledger.LargestFree(longRunning)?.Node);
                Assert.Equal(Scan(ledger, !longRunning)?.Node, ledger.LargestFree(!longRunning)?.Node);
            }
        }
    }

    [Fact]
    public void LargestFree_KnownNodeLosesGpus_AnotherNodeTakesItsPlace()
    {
        var ledger = PoolLedger.Of("G", [], [], new Dictionary<string, int>());
        var eight = new Resources(8, 64_000, 512_000);
        ledger.Observe(new NodeCapacity("a", "G", NodeMode.Fixed, eight, eight, 1));
        ledger.Observe(new NodeCapacity("b", "G", NodeMode.Fixed, eight, new Resources(6, 1_000, 1_000), 1));
        Assert.Equal("a", ledger.LargestFree(false)?.Node);

        ledger.Observe(new NodeCapacity("a", "G", NodeMode.Fixed, eight, new Resources(2, 1_000, 1_000), 2));
        Assert.Equal("b", ledger.LargestFree(false)?.Node);

        ledger.Observe(new NodeCapacity("a", "G", NodeMode.Fixed, eight, new Resources(6, 1_000, 1_000), 3)); // a tie: the first name
        Assert.Equal("a", ledger.LargestFree(false)?.Node);

        ledger.Observe(new NodeCapacity("a", "G", NodeMode.Down, eight, Resources.None, 4));
        ledger.Observe(new NodeCapacity("b", "G", NodeMode.Unnormal, eight, eight, 2));
        Assert.Null(ledger.LargestFree(false));
    }

    private static NodeSlot? Scan(PoolLedger ledger, bool longRunning)
    {
        var modes = NodeModes.TrainingModes(longRunning);
        return ledger.Nodes.Values
            .Where(n => modes.Contains(n.Mode))
            .OrderByDescending(n => n.Free.Gpus)
            .ThenBy(n => n.Node, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
