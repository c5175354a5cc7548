namespace WPAI.Domain.Scheduling;

/// <summary>
/// Chooses which borrowed-tier jobs to evict for an own-tier job that cannot be placed: on each eligible node,
/// victims are taken lowest score first, most recently started first among equals, until the job fits; the node
/// needing the fewest victims wins (then the fewest GPUs evicted, then the name).
/// </summary>
public static class PreemptionPolicy
{
    public static PreemptionPlan? ChooseVictims(
        Resources request,
        IEnumerable<NodeSlot> nodes,
        IReadOnlyCollection<RunningJob> running,
        Func<NodeMode, bool> schedulable)
    {
        var byNode = running
            .Where(r => r.Tier == Tier.Borrowed)
            .GroupBy(r => r.Node, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        PreemptionPlan? best = null;
        var bestGpus = int.MaxValue;
        foreach (var node in nodes.OrderBy(n => n.Node, StringComparer.Ordinal))
        {
            if (!schedulable(node.Mode) || !node.Capacity.Fits(request) || !byNode.TryGetValue(node.Node, out var candidates))
            {
                continue;
            }

            var free = node.Free;
            var victims = ImmutableArray.CreateBuilder<RunningJob>();
            foreach (var victim in candidates.OrderBy(v => v.Score).ThenByDescending(v => v.StartedAt).ThenBy(v => v.JobId, StringComparer.Ordinal))
            {
                if (free.Fits(request))
                {
                    break;
                }

                victims.Add(victim);
                free = free.Add(victim.Resources);
            }

            if (!free.Fits(request) || victims.Count == 0)
            {
                continue;
            }

            var gpus = victims.Sum(v => v.Resources.Gpus);
            if (best is null || victims.Count < best.Victims.Length || (victims.Count == best.Victims.Length && gpus < bestGpus))
            {
                best = new PreemptionPlan(node.Node, victims.ToImmutable());
                bestGpus = gpus;
            }
        }

        return best;
    }
}
