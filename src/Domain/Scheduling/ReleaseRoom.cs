namespace WPAI.Domain.Scheduling;

/// <summary>
/// Which actions of a pass a node admits whatever order their calls reach it in. The actions of a pass run at once: a
/// placement sends its reservation at once, a preemption sends its reservation after its own victims' release, and
/// nothing orders the calls of different actions. On a node where a preemption of the pass frees room, a placement that
/// counts on that room would be admitted or refused depending on whether the release came first — so the outcome, and
/// everything after it, would depend on the timing of the machine. This keeps, per such node, the room that no other
/// action's release provides (the node's free room before the pass, less what each action kept takes beyond its own
/// victims), takes the placements without victims first (their reservations leave first), then the preemptions, each in
/// plan order, and marks an action that does not fit that room plus its own victims as
/// <see cref="PlannedAction.AwaitsRelease"/>: it is placed at the next pass, once the pool has applied the release.
/// Every action kept fits the node in any order of arrival: the worst case for one is that every other action kept has
/// taken its excess over its own victims and no other release has arrived, and the excesses of all of them fit the
/// room before the pass.
/// </summary>
public static class ReleaseRoom
{
    public static ImmutableArray<PlannedAction> Mark(ImmutableArray<PlannedAction> actions, PoolLedger ledger)
    {
        var evicting = actions.Where(a => a.Decision.Preemption is not null).Select(a => a.Decision.Node!).ToHashSet(StringComparer.Ordinal);
        if (evicting.Count == 0)
        {
            return actions;
        }

        var firm = new Dictionary<string, Resources>(StringComparer.Ordinal);
        var marked = actions.ToBuilder();
        foreach (var withVictims in (ReadOnlySpan<bool>)[false, true])
        {
            for (var i = 0; i < actions.Length; i++)
            {
                var (entry, decision, _) = actions[i];
                var node = decision.Node!;
                if (!evicting.Contains(node) || decision.Preemption is not null != withVictims)
                {
                    continue;
                }

                if (!firm.TryGetValue(node, out var room))
                {
                    room = ledger.Nodes.GetValueOrDefault(node)?.Free ?? Resources.None;
                }

                var own = (decision.Preemption?.Victims ?? []).Aggregate(Resources.None, (sum, v) => sum.Add(v.Resources));
                if (room.Add(own).Fits(entry.Request))
                {
                    firm[node] = room.Subtract(Excess(entry.Request, own));
                }
                else
                {
                    firm[node] = room;
                    marked[i] = actions[i] with { AwaitsRelease = true };
                }
            }
        }

        return marked.MoveToImmutable();
    }

    /// <summary>What <paramref name="request"/> takes beyond <paramref name="freed"/>, per resource.</summary>
    private static Resources Excess(Resources request, Resources freed) => new(
        Math.Max(0, request.Gpus - freed.Gpus),
        Math.Max(0, request.CpuMilli - freed.CpuMilli),
        Math.Max(0, request.MemoryMib - freed.MemoryMib));
}
