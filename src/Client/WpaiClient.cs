using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Hosting;

namespace WPAI.Client;

/// <summary>
/// <see cref="IWpaiClient"/> over an Orleans grain factory (the <see cref="IClusterClient"/> of a client host, or a
/// silo's own factory when co-hosted). Names come from the fleet directory; views are fetched with a bounded fan-out.
/// </summary>
public sealed partial class WpaiClient(IGrainFactory grains, IOptions<WpaiClientOptions> options, ILogger<WpaiClient> logger) : IWpaiClient
{
    private readonly IGrainFactory _grains = grains;
    private readonly WpaiClientOptions _options = options.Value;
    private readonly ILogger<WpaiClient> _logger = logger;

    private static readonly TimeSpan DrainPoll = TimeSpan.FromSeconds(1);

    private IFleetGrain Fleet => _grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey);

    public Task<NodeView> AddNodeAsync(NodeSpec spec, NodeMode mode = NodeMode.Fixed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RequireId(spec.Name, "spec.name", "Give the node a name, e.g. t4-node-1");
        return InPool(spec.Pool, () => _grains.GetGrain<INodeGrain>(spec.Name).RegisterAsync(spec, mode)).WaitAsync(cancellationToken);
    }

    public async Task<ImmutableArray<NodeView>> ListNodesAsync(string? pool = null, CancellationToken cancellationToken = default)
    {
        var fleet = await Fleet.GetAsync().WaitAsync(cancellationToken);
        var names = fleet.NodesByPool
            .Where(p => pool is null || string.Equals(p.Key, pool, StringComparison.Ordinal))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => OrEmpty(p.Value).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return await FanOut.SelectAsync(names, _options.MaxConcurrentCalls, name => OrNullAsync("node", name, _grains.GetGrain<INodeGrain>(name).GetAsync()), cancellationToken);
    }

    public Task<NodeView> GetNodeAsync(string name, CancellationToken cancellationToken = default)
    {
        RequireId(name, "node", "Name the node, e.g. t4-node-1");
        return _grains.GetGrain<INodeGrain>(name).GetAsync().WaitAsync(cancellationToken);
    }

    public Task<NodeView> SetNodeModeAsync(string name, NodeMode mode, string reason, CancellationToken cancellationToken = default)
    {
        RequireId(name, "node", "Name the node, e.g. t4-node-1");
        return _grains.GetGrain<INodeGrain>(name).ChangeModeAsync(mode, reason).WaitAsync(cancellationToken);
    }

    public Task<NodeView> CordonNodeAsync(string name, bool cordoned, string reason, CancellationToken cancellationToken = default)
    {
        RequireId(name, "node", "Name the node, e.g. t4-node-1");
        return _grains.GetGrain<INodeGrain>(name).SetCordonAsync(cordoned, reason).WaitAsync(cancellationToken);
    }

    public async Task<NodeRemoval> RemoveNodeAsync(string name, bool drain, TimeSpan drainTimeout, CancellationToken cancellationToken = default)
    {
        RequireId(name, "node", "Name the node, e.g. t4-node-1");
        var node = _grains.GetGrain<INodeGrain>(name);
        var view = await node.GetAsync().WaitAsync(cancellationToken); // an unknown node is refused here
        if (!drain)
        {
            await node.RemoveAsync("removed by an admin").WaitAsync(cancellationToken);
            return new NodeRemoval(name, false, []);
        }

        view = await node.SetCordonAsync(true, "draining for removal").WaitAsync(cancellationToken);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!view.Allocations.IsDefaultOrEmpty && waited.Elapsed < drainTimeout)
        {
            var left = drainTimeout - waited.Elapsed;
            await Task.Delay(left < DrainPoll ? left : DrainPoll, cancellationToken);
            view = await node.GetAsync().WaitAsync(cancellationToken);
        }

        var remaining = view.Allocations.IsDefault ? [] : view.Allocations;
        if (remaining.FirstOrDefault(a => a.Kind == AllocationKind.InferenceReplica) is { } replica)
        {
            throw new WpaiValidationException(
                "--drain",
                $"node {name} still serves inference replica {replica.OwnerId} after {drainTimeout}; it stays cordoned",
                "Scale the service down or let its replicas move, then run node remove again");
        }

        var preempted = ImmutableArray.CreateBuilder<string>();
        foreach (var allocation in remaining)
        {
            if (await _grains.GetGrain<IJobGrain>(allocation.OwnerId).ReclaimAsync(name, "its node is being removed").WaitAsync(cancellationToken))
            {
                preempted.Add(allocation.OwnerId);
            }
            else
            {
                await node.ReleaseAsync(allocation.OwnerId).WaitAsync(cancellationToken); // a reservation whose job does not run here
            }
        }

        await node.RemoveAsync("drained and removed by an admin").WaitAsync(cancellationToken);
        return new NodeRemoval(name, true, preempted.ToImmutable());
    }

    public Task<DepartmentView> SetQuotaAsync(string department, IReadOnlyDictionary<string, int> gpusByPool, CancellationToken cancellationToken = default)
    {
        RequireId(department, "department", "Name the department, e.g. research");
        ArgumentNullException.ThrowIfNull(gpusByPool);
        if (gpusByPool.Count == 0)
        {
            throw new WpaiValidationException("quota", "names no pool", "Give at least one pool and GPU count, e.g. T4=8");
        }

        var quota = gpusByPool.ToImmutableDictionary(StringComparer.Ordinal);
        return _grains.GetGrain<IDepartmentGrain>(department).SetQuotaAsync(quota).WaitAsync(cancellationToken);
    }

    public Task<DepartmentView> GetDepartmentAsync(string department, CancellationToken cancellationToken = default)
    {
        RequireId(department, "department", "Name the department, e.g. research");
        return _grains.GetGrain<IDepartmentGrain>(department).GetAsync().WaitAsync(cancellationToken);
    }

    public async Task<ImmutableArray<DepartmentView>> ListDepartmentsAsync(CancellationToken cancellationToken = default)
    {
        var fleet = await Fleet.GetAsync().WaitAsync(cancellationToken);
        var names = OrEmpty(fleet.Departments).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return await FanOut.SelectAsync(names, _options.MaxConcurrentCalls, name => OrNullAsync("department", name, _grains.GetGrain<IDepartmentGrain>(name).GetAsync()), cancellationToken);
    }

    public Task<SubmitResult> SubmitJobAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RequireId(spec.JobId, "spec.jobId", "Give the job an id, e.g. resnet-train-42");
        return Submit(spec).WaitAsync(cancellationToken);
    }

    public Task<ImmutableArray<SubmitResult>> SubmitManyAsync(IReadOnlyList<JobSpec> specs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specs);
        foreach (var spec in specs)
        {
            ArgumentNullException.ThrowIfNull(spec);
            RequireId(spec.JobId, "spec.jobId", "Give every job an id, e.g. resnet-train-42");
        }

        return FanOut.SelectAsync(specs, _options.MaxConcurrentCalls, async spec => (SubmitResult?)await Submit(spec), cancellationToken);
    }

    public Task<JobView> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        RequireId(jobId, "job", "Name the job id");
        return _grains.GetGrain<IJobGrain>(jobId).GetAsync().WaitAsync(cancellationToken);
    }

    public async Task<JobDetails> GetJobDetailsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await GetJobAsync(jobId, cancellationToken);
        if (job.Status is not (JobStatus.Pending or JobStatus.Preempted))
        {
            return new JobDetails(job, []);
        }

        var pools = OrEmpty(job.Spec.GpuModels).Distinct(StringComparer.Ordinal).ToList();
        var views = await FanOut.SelectAsync(pools, _options.MaxConcurrentCalls, pool => _grains.GetGrain<IPoolSchedulerGrain>(pool).GetAsync()!, cancellationToken);
        var positions = views
            .SelectMany(view => OrEmpty(view.Queue)
                .Where(entry => string.Equals(entry.JobId, jobId, StringComparison.Ordinal))
                .Select(entry => new JobQueuePosition(view.Pool, OrEmpty(view.Queue).Length, entry)))
            .ToImmutableArray();
        return new JobDetails(job, positions);
    }

    public async Task<ImmutableArray<JobView>> ListJobsAsync(string? department = null, JobStatus? status = null, int? limit = null, string? after = null, CancellationToken cancellationToken = default)
    {
        if (limit is < 1)
        {
            throw new WpaiValidationException("--limit", $"{limit} is not positive", "Give at least 1, or no limit for every job");
        }

        var index = _grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey);
        var wanted = limit ?? int.MaxValue;
        var batch = Math.Clamp(wanted, _options.MaxConcurrentCalls, 1_000);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<JobView>();
        var cursor = after;
        while (found.Count < wanted)
        {
            var ids = await index.ListAsync(cursor, batch).WaitAsync(cancellationToken);
            if (ids.IsEmpty)
            {
                break;
            }

            cursor = ids[^1];
            var fresh = ids.Where(seen.Add).ToList();
            var jobs = await FanOut.SelectAsync(fresh, _options.MaxConcurrentCalls, id => OrNullAsync("job", id, _grains.GetGrain<IJobGrain>(id).GetAsync()), cancellationToken);
            found.AddRange(jobs
                .Where(j => department is null || string.Equals(j.Spec.Department, department, StringComparison.Ordinal))
                .Where(j => status is null || j.Status == status));
            if (ids.Length < batch)
            {
                break;
            }
        }

        return [.. found.Take(wanted)];
    }

    public async Task<Abstractions.Contracts.Agent.LogChunk> ReadJobLogAsync(string jobId, int attempt, long offset, int maxBytes = 64 * 1024, CancellationToken cancellationToken = default)
    {
        var job = await GetJobAsync(jobId, cancellationToken);
        var run = OrEmpty(job.Runs).FirstOrDefault(r => r.Attempt == attempt)
            ?? throw new WpaiNotFoundException($"job {jobId} has no run of attempt {attempt} (its runs: {string.Join(", ", OrEmpty(job.Runs).Select(r => r.Attempt))}); a job on the simulated driver has no logs");
        return await _grains.GetGrain<INodeAgentGrain>(run.Node).ReadLogAsync(jobId, attempt, offset, maxBytes).WaitAsync(cancellationToken);
    }

    public Task<JobView> CancelJobAsync(string jobId, string reason = "cancelled by user", CancellationToken cancellationToken = default)
    {
        RequireId(jobId, "job", "Name the job id");
        return _grains.GetGrain<IJobGrain>(jobId).CancelAsync(reason).WaitAsync(cancellationToken);
    }

    public Task<ImmutableArray<RunHealth>> GetRunHealthAsync(CancellationToken cancellationToken = default) =>
        _grains.GetGrain<IRunHealthGrain>(WpaiCluster.FleetKey).GetAsync().WaitAsync(cancellationToken);

    public async Task<PoolView> GetPoolAsync(string pool, CancellationToken cancellationToken = default)
    {
        RequireId(pool, "pool", "Name the pool (the GPU model), e.g. T4");
        var fleetTask = Fleet.GetAsync();
        var view = await _grains.GetGrain<IPoolSchedulerGrain>(pool).GetAsync().WaitAsync(cancellationToken);
        var fleet = await fleetTask.WaitAsync(cancellationToken);
        var known = fleet.NodesByPool.ContainsKey(pool)
            || view.Nodes > 0
            || !OrEmpty(view.Queue).IsEmpty
            || view.Quota.Count > 0
            || view.Placements > 0;
        if (!known)
        {
            var pools = string.Join(", ", fleet.NodesByPool.Keys.Order(StringComparer.Ordinal));
            throw new WpaiNotFoundException($"pool '{pool}' does not exist (no node, quota or job refers to it); known pools: {(pools.Length == 0 ? "none" : pools)}");
        }

        return view;
    }

    public async Task<ImmutableArray<PoolView>> ListPoolsAsync(CancellationToken cancellationToken = default)
    {
        var fleet = await Fleet.GetAsync().WaitAsync(cancellationToken);
        var pools = fleet.NodesByPool.Keys.Order(StringComparer.Ordinal).ToList();
        return await FanOut.SelectAsync(pools, _options.MaxConcurrentCalls, pool => _grains.GetGrain<IPoolSchedulerGrain>(pool).GetAsync()!, cancellationToken);
    }

    public async Task<MixingView?> GetMixingAsync(string pool, CancellationToken cancellationToken = default)
    {
        RequireId(pool, "pool", "Name the pool (the GPU model), e.g. T4");
        try
        {
            return await _grains.GetGrain<IMixingControllerGrain>(pool).GetAsync().WaitAsync(cancellationToken);
        }
        catch (WpaiNotFoundException)
        {
            return null;
        }
    }

    public async Task<MixingView> ConfigureMixingAsync(string pool, MixingSettings settings, CancellationToken cancellationToken = default)
    {
        RequireId(pool, "pool", "Name the pool (the GPU model), e.g. T4");
        ArgumentNullException.ThrowIfNull(settings);
        var fleet = await Fleet.GetAsync().WaitAsync(cancellationToken);
        if (!fleet.NodesByPool.TryGetValue(pool, out var nodes) || OrEmpty(nodes).IsEmpty)
        {
            var pools = string.Join(", ", fleet.NodesByPool.Keys.Order(StringComparer.Ordinal));
            throw new WpaiValidationException("pool", $"unknown pool '{pool}': no node is registered in it", $"Use one of: {(pools.Length == 0 ? "none (add nodes first)" : pools)}.");
        }

        return await _grains.GetGrain<IMixingControllerGrain>(pool).ConfigureAsync(settings).WaitAsync(cancellationToken);
    }

    public Task<ImmutableArray<MixingDecision>> TickMixingAsync(string pool, CancellationToken cancellationToken = default)
    {
        RequireId(pool, "pool", "Name the pool (the GPU model), e.g. T4");
        return _grains.GetGrain<IMixingControllerGrain>(pool).TickAsync().WaitAsync(cancellationToken);
    }

    public async Task<ClusterStatus> GetClusterStatusAsync(CancellationToken cancellationToken = default)
    {
        var management = _grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false, cancellationToken);
        var statistics = await management.GetSimpleGrainStatistics(cancellationToken);
        var activations = statistics.GroupBy(s => s.SiloAddress.ToString()).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
        var clocks = await ReadClocksAsync(management, [.. hosts.Where(h => h.Status == Orleans.Runtime.SiloStatus.Active).Select(h => h.SiloAddress)], cancellationToken);
        return new ClusterStatus([.. hosts
            .OrderBy(h => h.SiloAddress.ToString(), StringComparer.Ordinal)
            .Select(h =>
            {
                var clock = clocks.GetValueOrDefault(h.SiloAddress.ToString());
                return new SiloStatus(h.SiloAddress.ToString(), h.SiloName, h.Status.ToString(), h.StartTime, h.IAmAliveTime, activations.GetValueOrDefault(h.SiloAddress.ToString()), clock.Offset, clock.Uncertainty);
            })]);
    }

    /// <summary>
    /// Each silo's clock against this client's: the silos stamp their runtime statistics with their own UTC time; the
    /// offset is that stamp minus the midpoint of the request, give or take half the round trip.
    /// </summary>
    private static async Task<Dictionary<string, (TimeSpan? Offset, TimeSpan? Uncertainty)>> ReadClocksAsync(IManagementGrain management, SiloAddress[] silos, CancellationToken cancellationToken)
    {
        var clocks = new Dictionary<string, (TimeSpan?, TimeSpan?)>(StringComparer.Ordinal);
        if (silos.Length == 0)
        {
            return clocks;
        }

        var clock = TimeProvider.System;
        var sent = clock.GetUtcNow();
        var statistics = await management.GetRuntimeStatistics(silos, cancellationToken);
        var received = clock.GetUtcNow();
        var half = (received - sent) / 2;
        var midpoint = sent + half;
        for (var i = 0; i < silos.Length && i < statistics.Length; i++)
        {
            var stamp = DateTime.SpecifyKind(statistics[i].DateTime, DateTimeKind.Utc);
            clocks[silos[i].ToString()] = (new DateTimeOffset(stamp) - midpoint, half);
        }

        return clocks;
    }

    public Task<InferenceServiceView> DeployServiceAsync(InferenceServiceSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RequireId(spec.Name, "spec.name", "Name the service, e.g. resnet-serving");
        return _grains.GetGrain<IInferenceServiceGrain>(spec.Name).DeployAsync(spec).WaitAsync(cancellationToken);
    }

    public Task<InferenceServiceView> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        RequireId(name, "service", "Name the inference service");
        return _grains.GetGrain<IInferenceServiceGrain>(name).GetAsync().WaitAsync(cancellationToken);
    }

    public async Task<ImmutableArray<InferenceServiceView>> ListServicesAsync(CancellationToken cancellationToken = default)
    {
        var fleet = await Fleet.GetAsync().WaitAsync(cancellationToken);
        var names = OrEmpty(fleet.Services).ToList();
        var views = await FanOut.SelectAsync(names, _options.MaxConcurrentCalls, name => OrNullAsync("inference service", name, _grains.GetGrain<IInferenceServiceGrain>(name).GetAsync()), cancellationToken);
        return [.. views.Where(v => v is not null).Select(v => v!)];
    }

    public Task<ScalingDecisionView> ScaleServiceAsync(string name, int replicas, string reason, CancellationToken cancellationToken = default)
    {
        RequireId(name, "service", "Name the inference service");
        RequireId(reason, "reason", "Say why the replica count is overridden (--reason)");
        return _grains.GetGrain<IInferenceServiceGrain>(name).ScaleAsync(replicas, reason).WaitAsync(cancellationToken);
    }

    public Task<InferenceServiceView> UpdateServiceModelsAsync(string name, string modelRepository, CancellationToken cancellationToken = default)
    {
        RequireId(name, "service", "Name the inference service");
        return _grains.GetGrain<IInferenceServiceGrain>(name).UpdateModelsAsync(modelRepository).WaitAsync(cancellationToken);
    }

    private Task<SubmitResult> Submit(JobSpec spec) =>
        InPool(spec.GpuModels.IsDefaultOrEmpty ? null : spec.GpuModels[0], () => _grains.GetGrain<IJobGrain>(spec.JobId).SubmitAsync(spec));

    /// <summary>
    /// Makes <paramref name="call"/> with <paramref name="pool"/> as its placement hint (<see cref="WpaiCluster.PoolKey"/>),
    /// so that a new job or node activates on the silo of its pool's scheduler; the hint does not outlive the call.
    /// </summary>
    private static async Task<T> InPool<T>(string? pool, Func<Task<T>> call)
    {
        if (pool is null)
        {
            return await call();
        }

        Orleans.Runtime.RequestContext.Set(WpaiCluster.PoolKey, pool);
        try
        {
            return await call();
        }
        finally
        {
            Orleans.Runtime.RequestContext.Remove(WpaiCluster.PoolKey);
        }
    }

    private static void RequireId(string? value, string field, string fix)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new WpaiValidationException(field, "is empty", fix);
        }
    }

    private static ImmutableArray<T> OrEmpty<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    private async Task<T?> OrNullAsync<T>(string kind, string id, Task<T> call)
        where T : class
    {
        try
        {
            return await call;
        }
        catch (WpaiNotFoundException)
        {
            LogListedButMissing(kind, id);
            return null;
        }
    }
}
