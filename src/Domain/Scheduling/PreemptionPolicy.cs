namespace WPAI.Domain.Scheduling;

/// <summary>
/// Chooses which borrowed-tier jobs to evict for an own-tier job that cannot be placed. <see cref="ChooseVictims"/>
/// (<see cref="VictimRule.LowestScore"/>): on each eligible node, victims are taken lowest score first, most recently
/// started first among equals, until the job fits; the node needing the fewest victims wins (then the fewest GPUs
/// evicted, then the name). <see cref="ChooseLeastLostWork"/> (<see cref="VictimRule.LeastLostWork"/>): the set, on one
/// node, whose eviction loses the least work.
/// </summary>
public static class PreemptionPolicy
{
    /// <summary>Subsets of one node's candidates examined at most by <see cref="ChooseLeastLostWork"/> (a node holds a few jobs; this bounds a pathological one).</summary>
    public const int MaxSubsetsPerNode = 4096;

    public static PreemptionPlan? ChooseVictims(
        Resources request,
        IEnumerable<NodeSlot> nodes,
        IReadOnlyCollection<RunningJob> running,
        Func<NodeMode, bool> schedulable) =>
        ChooseVictims(request, CandidateNodes(request, nodes, running, schedulable));

    /// <summary>
    /// <see cref="ChooseVictims(Resources, IEnumerable{NodeSlot}, IReadOnlyCollection{RunningJob}, Func{NodeMode, bool})"/>
    /// over <paramref name="candidates"/>: the eligible nodes in name order, each with its borrowed-tier jobs (what
    /// <see cref="BorrowedByNode.Candidates"/> gives).
    /// </summary>
    public static PreemptionPlan? ChooseVictims(Resources request, IEnumerable<(NodeSlot Node, List<RunningJob> Candidates)> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        PreemptionPlan? best = null;
        var bestGpus = int.MaxValue;
        foreach (var (node, jobs) in candidates)
        {
            var free = node.Free;
            var victims = ImmutableArray.CreateBuilder<RunningJob>();
            foreach (var victim in jobs.OrderBy(v => v.Score).ThenByDescending(v => v.StartedAt).ThenBy(v => v.JobId, StringComparer.Ordinal))
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

    /// <summary>
    /// The eligible nodes in name order (schedulable, large enough for <paramref name="request"/>) that hold borrowed-tier
    /// jobs, each with those jobs: where either rule may look for victims (<see cref="BorrowedByNode.Candidates"/> over
    /// <paramref name="nodes"/>).
    /// </summary>
    private static IEnumerable<(NodeSlot Node, List<RunningJob> Candidates)> CandidateNodes(
        Resources request,
        IEnumerable<NodeSlot> nodes,
        IReadOnlyCollection<RunningJob> running,
        Func<NodeMode, bool> schedulable)
    {
        var slots = new Dictionary<string, NodeSlot>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            slots.TryAdd(node.Node, node);
        }

        return BorrowedByNode.Of(running).Candidates(request, name => slots.GetValueOrDefault(name), slot => schedulable(slot.Mode));
    }

    /// <summary>
    /// The victims whose eviction loses the least work: on each eligible node, the set of borrowed-tier jobs that frees
    /// room for <paramref name="request"/> with the smallest sum of <see cref="LostWork"/> (no job in it needless); across
    /// nodes, the least lost work, then the fewest jobs, then the fewest GPUs, then the node's name. Exact by a bounded
    /// branch-and-bound over one node's candidates (cheapest first; at most <see cref="MaxSubsetsPerNode"/> sets).
    /// </summary>
    public static PreemptionPlan? ChooseLeastLostWork(
        Resources request,
        IEnumerable<NodeSlot> nodes,
        IReadOnlyCollection<RunningJob> running,
        DateTimeOffset now,
        Func<NodeMode, bool> schedulable) =>
        ChooseLeastLostWork(request, CandidateNodes(request, nodes, running, schedulable), now);

    /// <summary>
    /// <see cref="ChooseLeastLostWork(Resources, IEnumerable{NodeSlot}, IReadOnlyCollection{RunningJob}, DateTimeOffset, Func{NodeMode, bool})"/>
    /// over <paramref name="candidates"/>: the eligible nodes in name order, each with its borrowed-tier jobs (what
    /// <see cref="BorrowedByNode.Candidates"/> gives).
    /// </summary>
    public static PreemptionPlan? ChooseLeastLostWork(Resources request, IEnumerable<(NodeSlot Node, List<RunningJob> Candidates)> candidates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        PreemptionPlan? best = null;
        var bestKey = (Lost: double.MaxValue, Jobs: int.MaxValue, Gpus: int.MaxValue);
        foreach (var (node, jobs) in candidates)
        {
            if (LeastLostOnNode(request, node.Free, jobs, now) is not { } found)
            {
                continue;
            }

            var key = (Lost: found.Lost, Jobs: found.Victims.Length, Gpus: found.Victims.Sum(v => v.Resources.Gpus));
            if (best is null || key.CompareTo(bestKey) < 0)
            {
                best = new PreemptionPlan(node.Node, found.Victims);
                bestKey = key;
            }
        }

        return best;
    }

    /// <summary>
    /// The work a job loses when evicted at <paramref name="now"/>: its GPUs (its CPU cores when it has none) × the time
    /// since its current run started, in GPU-hours (core-hours). Runs are not checkpointed in the pool's view, so all of it.
    /// </summary>
    public static double LostWork(RunningJob job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var ran = now - job.StartedAt;
        var width = job.Resources.Gpus > 0 ? job.Resources.Gpus : job.Resources.CpuMilli / 1000.0;
        return ran > TimeSpan.Zero ? width * ran.TotalHours : 0;
    }

    private static (double Lost, ImmutableArray<RunningJob> Victims)? LeastLostOnNode(Resources request, Resources free, List<RunningJob> candidates, DateTimeOffset now)
    {
        // Evicting every candidate must make room, or no set does: checked before anything is sorted or allocated
        // (the sums Resources.Add gives, in the same integer arithmetic).
        var (gpus, cpu, memory) = (free.Gpus, free.CpuMilli, free.MemoryMib);
        foreach (var candidate in candidates)
        {
            (gpus, cpu, memory) = (gpus + candidate.Resources.Gpus, cpu + candidate.Resources.CpuMilli, memory + candidate.Resources.MemoryMib);
        }

        return request.Gpus > gpus || request.CpuMilli > cpu || request.MemoryMib > memory ? null : SearchLeastLost(request, free, candidates, now);
    }

    /// <summary><see cref="LeastLostOnNode"/>'s search, on a node where evicting every candidate makes room (apart, so that its closure is allocated only then).</summary>
    private static (double Lost, ImmutableArray<RunningJob> Victims)? SearchLeastLost(Resources request, Resources free, List<RunningJob> candidates, DateTimeOffset now)
    {
        // Cheapest first (then newest, then id) so that the first sets found are good and the bound prunes early.
        var ordered = candidates
            .Select(c => (Job: c, Lost: LostWork(c, now)))
            .OrderBy(c => c.Lost).ThenByDescending(c => c.Job.StartedAt).ThenBy(c => c.Job.JobId, StringComparer.Ordinal)
            .ToArray();
        var chosen = new List<int>();
        int[]? bestSet = null;
        var bestKey = (Lost: double.MaxValue, Jobs: int.MaxValue, Gpus: int.MaxValue);
        var visited = 0;
        Search(0, free, 0, 0);
        return bestSet is null ? null : (bestKey.Lost, [.. bestSet.Select(i => ordered[i].Job)]);

        void Search(int next, Resources freed, double lost, int gpus)
        {
            if (visited++ >= MaxSubsetsPerNode)
            {
                return;
            }

            if (freed.Fits(request))
            {
                // A set that fits is not extended: every later job would be needless.
                var key = (Lost: lost, Jobs: chosen.Count, Gpus: gpus);
                if (chosen.Count > 0 && key.CompareTo(bestKey) < 0)
                {
                    bestKey = key;
                    bestSet = [.. chosen];
                }

                return;
            }

            for (var i = next; i < ordered.Length; i++)
            {
                var (job, cost) = ordered[i];
                if (lost + cost > bestKey.Lost)
                {
                    break; // sorted by cost: every later job costs at least as much
                }

                chosen.Add(i);
                Search(i + 1, freed.Add(job.Resources), lost + cost, gpus + job.Resources.Gpus);
                chosen.RemoveAt(chosen.Count - 1);
            }
        }
    }
}
