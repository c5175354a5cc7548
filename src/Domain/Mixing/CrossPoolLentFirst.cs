using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Mixing;

/// <summary>
/// Cross-pool lent-first placement: a short job that accepts several pools is queued first in the first of them (in its
/// own order) that has lent capacity (an OfflineNormal node with room for it now) expected to stay lent past the job's
/// expected end, before the pools whose capacity for it is Fixed. Lent machines then carry the short jobs, and the Fixed
/// nodes of the job's preferred pool stay free for the jobs that can run only there (long jobs, single-pool jobs).
/// A job without an expected run time, or one whose first pool already has such lent room, keeps its order.
/// </summary>
public static class CrossPoolLentFirst
{
    /// <summary>
    /// The latest expected reclaim time among the lent nodes of one pool that have room for <paramref name="request"/>
    /// now (<see cref="DateTimeOffset.MaxValue"/> when such a node has no forecast: lent for good), or null when no lent
    /// node has room. A job fits that pool's lent capacity when its expected end is at or before this time.
    /// </summary>
    public static DateTimeOffset? LentRoomUntil(Resources request, IEnumerable<NodeSlot> nodes, IReadOnlyDictionary<string, DateTimeOffset> reclaimBy) =>
        RunTimeMatch.LentRoom(request, nodes, reclaimBy).Select(r => (DateTimeOffset?)r.ReclaimBy).Max();

    /// <summary>
    /// The job's pools in the order to try them: the first pool whose lent room (<paramref name="lentRoomUntil"/>, one per
    /// pool, from <see cref="LentRoomUntil"/>) outlasts the job's expected end moves to the front; the others keep the
    /// job's order. Unchanged for a job with no expected run time or when no pool's lent room outlasts it.
    /// </summary>
    public static ImmutableArray<string> Order(
        ImmutableArray<string> pools, IReadOnlyList<DateTimeOffset?> lentRoomUntil, DateTimeOffset now, TimeSpan expectedDuration)
    {
        ArgumentNullException.ThrowIfNull(lentRoomUntil);
        if (pools.Length != lentRoomUntil.Count)
        {
            throw new ArgumentException($"one lent-room time per pool: {pools.Length} pools, {lentRoomUntil.Count} times", nameof(lentRoomUntil));
        }

        if (RunningJob.EndOf(now, expectedDuration) is not { } end)
        {
            return pools;
        }

        for (var i = 0; i < pools.Length; i++)
        {
            if (lentRoomUntil[i] is { } until && until >= end)
            {
                return i == 0 ? pools : [pools[i], .. pools.RemoveAt(i)];
            }
        }

        return pools;
    }
}
