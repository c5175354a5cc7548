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

            if (best is null || IsBetter(node, best, request, strategy))
            {
                best = node;
            }
        }

        return best;
    }

    private static bool IsBetter(NodeSlot candidate, NodeSlot current, Resources request, PlacementStrategy strategy)
    {
        if (strategy == PlacementStrategy.FirstFit)
        {
            return string.CompareOrdinal(candidate.Node, current.Node) < 0;
        }

        var a = candidate.Free.Subtract(request);
        var b = current.Free.Subtract(request);
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
