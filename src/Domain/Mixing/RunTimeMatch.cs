using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Mixing;

/// <summary>
/// Matches a short training job's expected run time to the lent nodes' expected reclaim times (look-ahead b generalized):
/// the job goes to the lent node (OfflineNormal) that it fits and that is expected back for inference soonest after the
/// job's expected end (least slack), so nodes that stay lent longer are kept for longer jobs. A lent node with no expected
/// reclaim time (none forecast) counts as lent for good and comes after those with one. Ties go to the fuller node (fewest
/// free GPUs), then by name. A lent node expected back before the job would end is never chosen.
/// </summary>
public static class RunTimeMatch
{
    /// <summary>The lent node for the job, or null when none fits (the caller then places it as usual, e.g. on a Fixed node).</summary>
    public static NodeSlot? Choose(
        Resources request, IEnumerable<NodeSlot> nodes, IReadOnlyDictionary<string, DateTimeOffset> reclaimBy, DateTimeOffset now, TimeSpan expectedDuration)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(reclaimBy);
        var end = now + expectedDuration;
        NodeSlot? best = null;
        var bestBy = DateTimeOffset.MaxValue;
        foreach (var (node, by) in LentRoom(request, nodes, reclaimBy))
        {
            if (by < end)
            {
                continue;
            }

            if (best is null || by < bestBy || (by == bestBy && (node.Free.Gpus < best.Free.Gpus || (node.Free.Gpus == best.Free.Gpus && string.CompareOrdinal(node.Node, best.Node) < 0))))
            {
                (best, bestBy) = (node, by);
            }
        }

        return best;
    }

    /// <summary>
    /// The lent (OfflineNormal) nodes with room for <paramref name="request"/> now, each with its expected reclaim time
    /// (<see cref="DateTimeOffset.MaxValue"/> when none is forecast: lent for good).
    /// </summary>
    public static IEnumerable<(NodeSlot Node, DateTimeOffset ReclaimBy)> LentRoom(
        Resources request, IEnumerable<NodeSlot> nodes, IReadOnlyDictionary<string, DateTimeOffset> reclaimBy)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(reclaimBy);
        return nodes
            .Where(n => n.Mode == NodeMode.OfflineNormal && n.Free.Fits(request))
            .Select(n => (n, reclaimBy.TryGetValue(n.Node, out var at) ? at : DateTimeOffset.MaxValue));
    }
}
