using WPAI.Abstractions.Contracts;
using WPAI.Domain.Departments;

namespace WPAI.Domain.Tests.Departments;

public sealed class PoolGpuTallyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Pools = ["T4", "P40", "A100"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Tally_EqualsAScanOfTheLedger_AfterEveryStartAndEnd(int seed)
    {
        var random = new Random(seed);
        var running = new Dictionary<string, RunningAllocation>(StringComparer.Ordinal);
        var peaks = new Dictionary<string, double>(StringComparer.Ordinal);
        var tally = PoolGpuTally.Of([]);
        var ledger = new DepartmentLedger(running, [], new(StringComparer.Ordinal), peaks, tally);
        var scannedPeak = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var step = 0; step < 2_000; step++)
        {
            var id = "j" + random.Next(40);
            if (running.ContainsKey(id) && random.Next(2) == 0)
            {
                Assert.True(ledger.TryRemove(id));
            }
            else
            {
                // GPUs 0–8: a job of no GPUs (CPU only) keeps its pool listed, as a scan of the ledger does.
                ledger.TryStart(new RunningAllocation(id, Pools[random.Next(Pools.Length)], "n1", new Resources(random.Next(9), 1_000, 1_000), Tier.Own, T0));
            }

            var scan = running.Values.GroupBy(r => r.Pool, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Resources.Gpus), StringComparer.Ordinal);
            Assert.Equal(scan.OrderBy(kv => kv.Key, StringComparer.Ordinal), tally.ByPool.Select(p => KeyValuePair.Create(p.Pool, p.Gpus)).OrderBy(kv => kv.Key, StringComparer.Ordinal));
            foreach (var pool in Pools)
            {
                Assert.Equal(scan.GetValueOrDefault(pool), tally.In(pool));
                scannedPeak[pool] = Math.Max(scannedPeak.GetValueOrDefault(pool), scan.GetValueOrDefault(pool));
                Assert.Equal(scannedPeak[pool], peaks.GetValueOrDefault(pool));
            }
        }

        Assert.False(ledger.TryRemove("not-running"));
    }

    [Fact]
    public void Of_CountsEachPoolOnce_InTheOrderOfItsFirstJob()
    {
        var tally = PoolGpuTally.Of([Run("a", "A100", 4), Run("b", "T4", 2), Run("c", "A100", 1), Run("d", "V100", 0)]);

        Assert.Equal([("A100", 5), ("T4", 2), ("V100", 0)], tally.ByPool);
    }

    [Fact]
    public void Remove_OfAJobNotCounted_Throws()
    {
        var tally = PoolGpuTally.Of([Run("a", "A100", 4)]);

        Assert.Throws<InvalidOperationException>(() => tally.Remove(Run("b", "T4", 1)));
    }

    private static RunningAllocation Run(string id, string pool, int gpus) => new(id, pool, "n1", new Resources(gpus, 0, 0), Tier.Own, T0);
}
