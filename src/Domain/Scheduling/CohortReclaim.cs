using WPAI.Domain.Scheduling.Cohorts;

namespace WPAI.Domain.Scheduling;

/// <summary>
/// Victims chosen the way Kueue reclaims quota in a cohort (<see cref="CohortPreemption"/>), for one pool: a
/// ClusterQueue per department whose nominal quota is its GPU quota in the pool, all in one cohort,
/// <c>withinClusterQueue: Never</c>, <c>reclaimWithinCohort: Any</c>, every job of the same priority. Kueue admits
/// against quota only; a job here also needs one node that holds it, so the targets are looked for node by node (jobs
/// on that node only, the node must then hold the job, as with Kueue's topology-aware scheduling) and the node needing
/// the fewest victims wins (then the fewest GPUs evicted, then the name). A job <paramref name="preemptible"/> refuses
/// (one started by the same pass) counts in its department's usage but is never a target: Kueue computes a cycle's
/// targets from the snapshot taken before the cycle admitted anything.
/// </summary>
public static class CohortReclaim
{
    public static PreemptionPlan? ChooseVictims(
        QueueEntry entry,
        IEnumerable<NodeSlot> nodes,
        IReadOnlyCollection<RunningJob> running,
        IReadOnlyDictionary<string, int> quotas,
        DateTimeOffset now,
        Func<NodeMode, bool> schedulable,
        Func<RunningJob, bool> preemptible)
    {
        ArgumentNullException.ThrowIfNull(preemptible);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(quotas);
        var request = entry.Request;
        var departments = quotas.Keys.Concat(running.Select(r => r.Department)).Append(entry.Department).Distinct(StringComparer.Ordinal);
        var queues = departments.Select(d => new CohortQueue(d, new Resources(quotas.GetValueOrDefault(d), 0, 0))).ToList();
        var byId = running.ToDictionary(r => r.JobId, StringComparer.Ordinal);
        var admitted = running.Select(r => new CohortWorkload(r.JobId, r.Department, new Resources(r.Resources.Gpus, 0, 0), 0, r.StartedAt, r.StartedAt)).ToList();
        var incoming = new CohortWorkload(entry.JobId, entry.Department, new Resources(request.Gpus, 0, 0), 0, entry.QueuedAt - entry.WaitedBefore, now);

        PreemptionPlan? best = null;
        var bestGpus = int.MaxValue;
        foreach (var node in nodes.OrderBy(n => n.Node, StringComparer.Ordinal))
        {
            if (!schedulable(node.Mode) || !node.Capacity.Fits(request) || !running.Any(r => r.Node == node.Node && preemptible(r)))
            {
                continue;
            }

            var targets = CohortPreemption.Targets(
                incoming,
                queues,
                admitted,
                w => byId[w.Id].Node == node.Node && preemptible(byId[w.Id]),
                removed => removed.Aggregate(node.Free, (free, w) => free.Add(byId[w.Id].Resources)).Fits(request));
            if (targets.IsEmpty)
            {
                continue;
            }

            var victims = targets.Select(t => byId[t.Id]).ToImmutableArray();
            var gpus = victims.Sum(v => v.Resources.Gpus);
            if (best is null || victims.Length < best.Victims.Length || (victims.Length == best.Victims.Length && gpus < bestGpus))
            {
                best = new PreemptionPlan(node.Node, victims);
                bestGpus = gpus;
            }
        }

        return best;
    }
}
