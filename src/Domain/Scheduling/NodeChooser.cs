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

    private static bool IsBetter(NodeSlot candidate, NodeSlot current, PlacementStrategy strategy)
    {
        if (strategy == PlacementStrategy.FirstFit)
        {
            return string.CompareOrdinal(candidate.Node, current.Node) < 0;
        }

        // Both nodes fit the request, so "less left after it" is "less free now": compared without allocating what
        // would be left (this runs for every fitting node of every decision).
        var a = candidate.Free;
        var b = current.Free;
        if (a.Gpus != b.Gpus)
        {
            return a.Gpus < b.Gpus;
        }

        if (a.CpuMilli != b.CpuMilli)
        {
            return a.CpuMilli < b.CpuMilli;
        }

        if (a.MemoryMib != b.MemoryMib)
        {
            return a.MemoryMib < b.MemoryMib;
        }

        return string.CompareOrdinal(candidate.Node, current.Node) < 0;
    }
}
