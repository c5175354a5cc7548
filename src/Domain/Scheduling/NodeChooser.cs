namespace WPAI.Domain.Scheduling;

/// <summary>Chooses a node for a request among schedulable nodes: best fit (fewest GPUs, then CPU, then memory left) or first fit.</summary>
public static class NodeChooser
{
    public static NodeSlot? Choose(Resources request, IEnumerable<NodeSlot> nodes, PlacementStrategy strategy, Func<NodeMode, bool> schedulable)
    {
        NodeSlot? best = null;
        foreach (var node in nodes)
        {
            if (!schedulable(node.Mode) || !node.Free.Fits(request))
            {
                continue;
            }

            if (best is null || IsBetter(node, best, strategy))
            {
                best = node;
            }
        }

        return best;
    }

    /// <summary>
    /// Best fit's order of the nodes a request fits on: fewest GPUs free, then CPU, then memory, then the name in ordinal
    /// order. The first node in this order that fits is best fit's choice (a total order: names are unique in a pool).
    /// </summary>
    public static IComparer<NodeSlot> BestFitOrder { get; } = Comparer<NodeSlot>.Create(CompareBestFit);

    private static bool IsBetter(NodeSlot candidate, NodeSlot current, PlacementStrategy strategy) =>
        strategy == PlacementStrategy.FirstFit
            ? string.CompareOrdinal(candidate.Node, current.Node) < 0
            : CompareBestFit(candidate, current) < 0;

    // Both nodes fit the request, so "less left after it" is "less free now": compared without allocating what would be
    // left (this runs for every fitting node of every decision).
    private static int CompareBestFit(NodeSlot? x, NodeSlot? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var a = x.Free;
        var b = y.Free;
        if (a.Gpus != b.Gpus)
        {
            return a.Gpus.CompareTo(b.Gpus);
        }

        if (a.CpuMilli != b.CpuMilli)
        {
            return a.CpuMilli.CompareTo(b.CpuMilli);
        }

        if (a.MemoryMib != b.MemoryMib)
        {
            return a.MemoryMib.CompareTo(b.MemoryMib);
        }

        return string.CompareOrdinal(x.Node, y.Node);
    }
}
