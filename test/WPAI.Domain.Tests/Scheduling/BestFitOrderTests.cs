using System.Globalization;
using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>
/// Best fit reads the ledger's nodes in its order (<see cref="PoolLedger.ByLeastFree"/>, kept node by node as reports
/// arrive) instead of scanning them all. After any sequence of reports the order must be the one a sort of the nodes
/// gives, and a decision must name the node a scan of the pool as the pass sees it names: fewest GPUs free, then CPU,
/// then memory, then the first name, among the nodes the job fits on in a mode it may use.
/// </summary>
public sealed class BestFitOrderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly NodeMode[] Modes = [NodeMode.Fixed, NodeMode.OfflineNormal, NodeMode.OnlineNormal, NodeMode.Unnormal, NodeMode.Down];
    private static readonly Resources Capacity = new(8, 64_000, 512_000);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ByLeastFree_AfterRandomReports_IsTheNodesSortedByBestFit(int seed)
    {
        var random = new Random(seed);
        var ledger = PoolLedger.Of("G", [], [], new Dictionary<string, int>());
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var step = 0; step < 2_000; step++)
        {
            var node = Name(random.Next(12));
            var version = versions[node] = versions.GetValueOrDefault(node) + 1;
            ledger.Observe(new NodeCapacity(node, "G", RandomMode(random), Capacity, RandomFree(random), version));

            var gpus = random.Next(10);
            var expected = ledger.Nodes.Values.Where(n => n.Free.Gpus >= gpus).OrderBy(n => n, Sorted).Select(n => n.Node);
            Assert.Equal(expected, ledger.ByLeastFree(gpus).Select(n => n.Node));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Decide_NodesChangedEarlierInThePass_ChoosesWhatAScanOfThePassViewChooses(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 300; trial++)
        {
            var nodes = Enumerable.Range(0, 1 + random.Next(15)).Select(i => new NodeSlot(Name(i), RandomMode(random), Capacity, RandomFree(random))).ToList();
            var ledger = PoolLedger.Of("G", nodes, [], new Dictionary<string, int> { ["A"] = 1_000 });
            var planner = new PoolPlanner(ledger, new SchedulingOptions(), Now);
            var view = nodes.ToDictionary(n => n.Node, StringComparer.Ordinal);

            // What earlier decisions of the pass did: new free resources on some nodes (more or fewer than the ledger's).
            for (var change = random.Next(4); change > 0; change--)
            {
                var name = Name(random.Next(nodes.Count));
                var free = RandomFree(random);
                planner.UpdateFree(name, free);
                view[name] = view[name] with { Free = free };
            }

            var request = new Resources(random.Next(9), 1_000 * random.Next(3), 1_000 * random.Next(3));
            var entry = new QueueEntry("job", "A", request, ["G"], Now, TimeSpan.Zero, 1);
            var modes = NodeModes.TrainingModes(longRunning: false);
            var expected = view.Values.Where(n => modes.Contains(n.Mode) && n.Free.Fits(request)).OrderBy(n => n, Sorted).FirstOrDefault();

            var decision = planner.Decide(entry);

            Assert.Equal(expected?.Node, decision.Kind == DecisionKind.Place ? decision.Node : null);
        }
    }

    /// <summary>Best fit's order written out: GPUs, CPU, memory free ascending, then the name.</summary>
    private static readonly IComparer<NodeSlot> Sorted = Comparer<NodeSlot>.Create((a, b) =>
        (a.Free.Gpus, a.Free.CpuMilli, a.Free.MemoryMib).CompareTo((b.Free.Gpus, b.Free.CpuMilli, b.Free.MemoryMib)) is var c and not 0
            ? c
            : string.CompareOrdinal(a.Node, b.Node));

    private static string Name(int i) => "n" + i.ToString(CultureInfo.InvariantCulture);

    private static NodeMode RandomMode(Random random) => random.Next(4) == 0 ? Modes[random.Next(Modes.Length)] : NodeMode.Fixed;

    // Few distinct values, so that ties on GPUs, CPU and memory are common and the name decides.
    private static Resources RandomFree(Random random) => new(random.Next(9), 1_000 * random.Next(3), 1_000 * random.Next(3));
}
