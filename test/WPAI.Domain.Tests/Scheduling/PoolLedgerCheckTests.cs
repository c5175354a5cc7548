using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// <see cref="PoolLedger.Check"/> keeps the pool's distinct node capacities between calls; it must see every node that
/// joins and every change of a node's mode or capacity, while a change of free resources alone changes nothing.
/// </summary>
public sealed class PoolLedgerCheckTests
{
    private static readonly Resources Eight = new(8, 64_000, 512_000);
    private static readonly Resources Four = new(4, 32_000, 256_000);

    private static NodeCapacity Report(string node, NodeMode mode, Resources capacity, Resources free, long version) =>
        new(node, "G", mode, capacity, free, version);

    private static PoolLedger Ledger()
    {
        var ledger = PoolLedger.Of("G", [], [], new Dictionary<string, int>());
        ledger.Observe(Report("n1", NodeMode.Fixed, Eight, Eight, 1));
        ledger.Observe(Report("n2", NodeMode.Fixed, Four, Four, 1));
        return ledger;
    }

    [Fact]
    public void Check_NodeGoesDown_NoLongerCountsIt()
    {
        var ledger = Ledger();
        Assert.True(ledger.Check(new Resources(8, 1_000, 1_000), false).Fits);

        ledger.Observe(Report("n1", NodeMode.Down, Eight, Resources.None, 2));
        var check = ledger.Check(new Resources(8, 1_000, 1_000), false);

        Assert.False(check.Fits);
        Assert.Equal(Four, check.Largest);
        Assert.Equal("no node in pool G can host 8 GPU, 1000m CPU, 1000 MiB (largest: 4 GPU, 32000m CPU, 256000 MiB)", check.Reason);
    }

    [Fact]
    public void Check_NodeJoinsOrGrows_CountsItsCapacity()
    {
        var ledger = Ledger();
        var big = new Resources(16, 128_000, 1_024_000);
        Assert.False(ledger.Check(new Resources(12, 1_000, 1_000), false).Fits);

        ledger.Observe(Report("n3", NodeMode.Fixed, big, big, 1));
        Assert.Equal((true, big), (ledger.Check(new Resources(12, 1_000, 1_000), false).Fits, ledger.Check(Resources.None, false).Largest));

        var bigger = new Resources(32, 128_000, 1_024_000);
        ledger.Observe(Report("n2", NodeMode.Fixed, bigger, bigger, 2));
        Assert.Equal(bigger, ledger.Check(Resources.None, false).Largest);
    }

    [Fact]
    public void Check_OnlyFreeResourcesChange_AnswersAsBefore_AndLongRunningJobsCountFixedNodesOnly()
    {
        var ledger = Ledger();
        ledger.Observe(Report("n1", NodeMode.Fixed, Eight, Resources.None, 2));
        Assert.Equal((true, Eight), (ledger.Check(new Resources(8, 1_000, 1_000), false).Fits, ledger.Check(Resources.None, false).Largest));

        ledger.Observe(Report("n1", NodeMode.OfflineNormal, Eight, Eight, 3));
        Assert.True(ledger.Check(new Resources(8, 1_000, 1_000), longRunning: false).Fits);
        Assert.False(ledger.Check(new Resources(8, 1_000, 1_000), longRunning: true).Fits);
        Assert.Equal(Four, ledger.Check(Resources.None, longRunning: true).Largest);
    }
}
