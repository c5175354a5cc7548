using WPAI.Domain.Common;
using WPAI.Domain.Scheduling;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// Activation of a pool scheduler: node capacity and the running ledger are re-read from the node grains (their source
/// of truth) and the jobs holding their allocations; a reservation whose job does not run there (a crash between the
/// node's admission and the job's start) is released.
/// </summary>
internal static partial class PoolRebuild
{
    private const int FanOut = 64;

    /// <summary>
    /// Rebuilds <paramref name="ledger"/> on activation (<see cref="RunAsync"/>, <see cref="RefreshQuotasAsync"/>) and logs
    /// what it found; true when the quotas changed and the scheduler's state must be written.
    /// </summary>
    public static async Task<bool> ActivateAsync(IGrainFactory grains, PoolLedger ledger, int queued, ILogger logger)
    {
        var (nodes, orphans) = await RunAsync(grains, ledger);
        var quotasChanged = await RefreshQuotasAsync(grains, ledger);
        foreach (var (node, owner) in orphans)
        {
            LogOrphanReleased(logger, ledger.Pool, node, owner);
        }

        if (nodes > 0)
        {
            LogRebuilt(logger, ledger.Pool, nodes, ledger.Running.Count, queued);
        }

        return quotasChanged;
    }

    /// <summary>Fills <paramref name="ledger"/>; returns the orphan reservations it released (node, owner).</summary>
    public static async Task<(int Nodes, ImmutableArray<(string Node, string Owner)> Orphans)> RunAsync(IGrainFactory grains, PoolLedger ledger)
    {
        var views = new List<NodeView>();
        foreach (var chunk in ledger.NodeNames.ToList().Chunk(FanOut))
        {
            views.AddRange(await Task.WhenAll(chunk.Select(n => grains.GetGrain<INodeGrain>(n).GetAsync())));
        }

        var allocations = new List<(string Node, string Owner)>();
        foreach (var view in views)
        {
            ledger.Observe(new NodeCapacity(view.Spec.Name, view.Spec.Pool, view.Mode, view.Spec.Capacity, view.Free, view.Version));
            allocations.AddRange(view.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob).Select(a => (view.Spec.Name, a.OwnerId)));
        }

        var claims = new Dictionary<(string Node, string Owner), bool>();
        foreach (var chunk in allocations.Chunk(FanOut))
        {
            var jobs = await Task.WhenAll(chunk.Select(a => TryGetJobAsync(grains, a.Owner)));
            for (var i = 0; i < chunk.Length; i++)
            {
                var (node, owner) = chunk[i];
                var runsThere = jobs[i] is { Status: JobStatus.Running, Placement: { } p } && p.Pool == ledger.Pool && p.Node == node;
                claims[chunk[i]] = runsThere;
                if (runsThere)
                {
                    var job = jobs[i]!;
                    ledger.Start(RunningJob.Found(job.Spec, job.Placement!));
                }
            }
        }

        var orphans = OrphanReservations.Find(allocations, (node, owner) => claims[(node, owner)]);
        foreach (var (node, owner) in orphans)
        {
            ledger.Observe(await grains.GetGrain<INodeGrain>(node).ReleaseForSchedulerAsync(owner));
        }

        return (views.Count, orphans);
    }

    /// <summary>
    /// Re-reads every department's quota in this pool from the department grains (their source of truth): a quota
    /// set just before a crash may have reached the department's storage but not this scheduler's.
    /// Returns true when a quota changed.
    /// </summary>
    public static async Task<bool> RefreshQuotasAsync(IGrainFactory grains, PoolLedger ledger)
    {
        var fleet = await grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        var changed = false;
        foreach (var chunk in fleet.Departments.IsDefault ? [] : fleet.Departments.Chunk(FanOut))
        {
            foreach (var view in await Task.WhenAll(chunk.Select(d => TryGetDepartmentAsync(grains, d))))
            {
                if (view is not null && view.Quota.TryGetValue(ledger.Pool, out var gpus))
                {
                    changed |= ledger.SetQuota(view.Name, gpus);
                }
            }
        }

        return changed;
    }

    private static async Task<DepartmentView?> TryGetDepartmentAsync(IGrainFactory grains, string department)
    {
        try
        {
            return await grains.GetGrain<IDepartmentGrain>(department).GetAsync();
        }
        catch (WpaiNotFoundException)
        {
            return null;
        }
    }

    public static async Task<JobView?> TryGetJobAsync(IGrainFactory grains, string jobId)
    {
        try
        {
            return await grains.GetGrain<IJobGrain>(jobId).GetAsync();
        }
        catch (WpaiNotFoundException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool {Pool} scheduler rebuilt: {Nodes} nodes, {Running} running jobs, {Queued} queued")]
    private static partial void LogRebuilt(ILogger logger, string pool, int nodes, int running, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: released orphan reservation of {Owner} on {Node} (its job is not running there)")]
    private static partial void LogOrphanReleased(ILogger logger, string pool, string node, string owner);
}
