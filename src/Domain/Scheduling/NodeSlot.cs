namespace WPAI.Domain.Scheduling;

/// <summary>The scheduler's view of one node: its mode, capacity and what is free now.</summary>
public sealed record NodeSlot(string Node, NodeMode Mode, Resources Capacity, Resources Free)
{
    /// <summary>
    /// Of the <paramref name="nodes"/> in one of the <paramref name="modes"/>, the one with the most GPUs free, ties to the
    /// first name in ordinal order (<see cref="HasMoreFreeGpus"/>); null when none is.
    /// </summary>
    public static NodeSlot? MostFreeGpus(IEnumerable<NodeSlot> nodes, ImmutableArray<NodeMode> modes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        NodeSlot? best = null;
        foreach (var node in nodes)
        {
            if (modes.Contains(node.Mode) && (best is null || node.HasMoreFreeGpus(best)))
            {
                best = node;
            }
        }

        return best;
    }

    /// <summary>Whether this node comes before <paramref name="other"/> by free GPUs: more of them, or as many and an ordinally smaller name.</summary>
    public bool HasMoreFreeGpus(NodeSlot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Free.Gpus > other.Free.Gpus || (Free.Gpus == other.Free.Gpus && string.CompareOrdinal(Node, other.Node) < 0);
    }
}
