namespace WPAI.Domain.Mixing;

/// <summary>
/// A mixing controller's outcome counters: nodes lent, nodes taken back, training jobs killed. A handover that
/// completes counts once, towards its target; an aborted lend (the node went back to serving) is no reclaim.
/// </summary>
public readonly record struct MixingCounters(long Lent, long Reclaimed, long Kills)
{
    /// <summary>A handover reached <paramref name="target"/>, killing <paramref name="killed"/> jobs on the way.</summary>
    public MixingCounters Completed(NodeMode target, bool aborted, int killed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(killed);
        return target switch
        {
            NodeMode.OfflineNormal => this with { Lent = Lent + 1, Kills = Kills + killed },
            NodeMode.OnlineNormal when !aborted => this with { Reclaimed = Reclaimed + 1, Kills = Kills + killed },
            NodeMode.OnlineNormal => this with { Kills = Kills + killed },
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, "a handover ends OnlineNormal or OfflineNormal"),
        };
    }

    /// <summary>A handover still draining killed <paramref name="killed"/> jobs.</summary>
    public MixingCounters Draining(int killed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(killed);
        return this with { Kills = Kills + killed };
    }
}
