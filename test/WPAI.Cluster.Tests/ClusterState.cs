using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Client;

namespace WPAI.Cluster.Tests;

/// <summary>
/// Everything the invariants talk about, read through the client SDK: every node (allocations), every department
/// (ledger), every pool (queue), and the jobs named by the caller.
/// </summary>
internal sealed record ClusterState(
    ImmutableArray<NodeView> Nodes,
    ImmutableArray<DepartmentView> Departments,
    ImmutableArray<PoolView> Pools,
    ImmutableDictionary<string, JobView> Jobs)
{
    public static async Task<ClusterState> ReadAsync(IWpaiClient client, IEnumerable<string> jobIds)
    {
        var nodes = await client.ListNodesAsync();
        var departments = await client.ListDepartmentsAsync();
        var pools = await client.ListPoolsAsync();
        var jobs = new Dictionary<string, JobView>(StringComparer.Ordinal);
        foreach (var chunk in jobIds.Distinct(StringComparer.Ordinal).Chunk(64))
        {
            var views = await Task.WhenAll(chunk.Select(async id =>
            {
                try
                {
                    return await client.GetJobAsync(id);
                }
                catch (WPAI.Abstractions.Errors.WpaiNotFoundException)
                {
                    return null;
                }
            }));
            foreach (var view in views.Where(v => v is not null))
            {
                jobs[view!.Spec.JobId] = view;
            }
        }

        return new ClusterState(nodes, departments, pools, jobs.ToImmutableDictionary(StringComparer.Ordinal));
    }

    /// <summary>Queue entries over all pools (a job waiting in two pools counts twice).</summary>
    public int QueuedJobs => Pools.Sum(p => p.Queue.IsDefault ? 0 : p.Queue.Length);

    /// <summary>The jobs queued in any pool.</summary>
    public HashSet<string> QueuedJobIds => Pools.SelectMany(p => p.Queue.IsDefault ? [] : p.Queue).Select(q => q.JobId).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The platform's invariants 1–3 over this snapshot; returns every violation found (empty = all hold):
    /// no node over-committed (by its allocations, and by the jobs that say they run on it); every running job holds
    /// exactly one allocation, on its node, of its size; every training allocation belongs to a job running there
    /// (none placed twice, none orphaned); every department's ledger lists exactly its running jobs, and its usage
    /// equals their GPUs.
    /// </summary>
    public List<string> Violations()
    {
        var problems = new List<string>();
        var running = Jobs.Values.Where(j => j.Status == JobStatus.Running).ToList();
        foreach (var node in Nodes)
        {
            var allocated = node.Allocations.Aggregate(Resources.None, (sum, a) => sum.Add(a.Resources));
            if (!node.Spec.Capacity.Fits(allocated))
            {
                problems.Add($"node {node.Spec.Name} over-committed by its allocations: {allocated} > {node.Spec.Capacity}");
            }

            var placed = running.Where(j => j.Placement!.Node == node.Spec.Name).Aggregate(Resources.None, (sum, j) => sum.Add(j.Placement!.Resources));
            if (!node.Spec.Capacity.Fits(placed))
            {
                problems.Add($"node {node.Spec.Name} over-committed by the jobs running on it: {placed} > {node.Spec.Capacity}");
            }

            foreach (var allocation in node.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob))
            {
                if (!Jobs.TryGetValue(allocation.OwnerId, out var job))
                {
                    problems.Add($"node {node.Spec.Name} holds an allocation for {allocation.OwnerId}, which is not a known job");
                }
                else if (job.Status != JobStatus.Running || job.Placement!.Node != node.Spec.Name)
                {
                    problems.Add($"node {node.Spec.Name} holds an allocation for {allocation.OwnerId}, which is {job.Status} on {job.Placement?.Node ?? "no node"}");
                }
            }
        }

        var allocationsByJob = Nodes
            .SelectMany(n => n.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob).Select(a => (Node: n.Spec.Name, Allocation: a)))
            .ToLookup(x => x.Allocation.OwnerId, StringComparer.Ordinal);
        foreach (var job in running)
        {
            var held = allocationsByJob[job.Spec.JobId].ToList();
            if (held.Count != 1)
            {
                problems.Add($"job {job.Spec.JobId} runs on {job.Placement!.Node} but holds {held.Count} node allocations ({string.Join(", ", held.Select(h => h.Node))})");
            }
            else if (held[0].Node != job.Placement!.Node || held[0].Allocation.Resources != job.Placement.Resources)
            {
                problems.Add($"job {job.Spec.JobId} runs on {job.Placement!.Node} with {job.Placement.Resources}, but its allocation is on {held[0].Node} with {held[0].Allocation.Resources}");
            }
        }

        foreach (var department in Departments)
        {
            var mine = running.Where(j => j.Spec.Department == department.Name).ToDictionary(j => j.Spec.JobId, StringComparer.Ordinal);
            var ledger = department.Running.IsDefault ? [] : department.Running;
            foreach (var entry in ledger)
            {
                if (!mine.TryGetValue(entry.JobId, out var job))
                {
                    problems.Add($"department {department.Name} lists {entry.JobId} as running, but it is {(Jobs.TryGetValue(entry.JobId, out var j) ? j.Status.ToString() : "unknown")}");
                }
                else if (entry.Node != job.Placement!.Node || entry.Resources != job.Placement.Resources)
                {
                    problems.Add($"department {department.Name} lists {entry.JobId} on {entry.Node} with {entry.Resources}; the job runs on {job.Placement!.Node} with {job.Placement.Resources}");
                }
            }

            foreach (var id in mine.Keys.Where(id => !ledger.Any(e => e.JobId == id)))
            {
                problems.Add($"department {department.Name} does not list its running job {id}");
            }

            foreach (var pool in mine.Values.Select(j => j.Placement!.Pool).Distinct(StringComparer.Ordinal))
            {
                var gpus = mine.Values.Where(j => j.Placement!.Pool == pool).Sum(j => j.Placement!.Resources.Gpus);
                var usage = department.Usage.GetValueOrDefault(pool) ?? PoolUsage.Empty;
                if (usage.OwnGpus + usage.BorrowedGpus != gpus)
                {
                    problems.Add($"department {department.Name} uses {usage.OwnGpus} own + {usage.BorrowedGpus} borrowed GPUs in {pool}; its running jobs hold {gpus}");
                }
            }
        }

        return problems;
    }
}
