using System.Collections.Immutable;
using Prometheus;
using WPAI.Client;
using WPAI.Grains.Telemetry;

namespace WPAI.Silo.Metrics;

/// <summary>
/// The cluster's state as Prometheus metrics, read through <see cref="IWpaiClient"/> (the API the CLI uses) when
/// <c>/metrics</c> is scraped: queue depth and oldest wait per pool and department, GPU capacity, allocation, borrowed
/// GPUs and measured utilization, nodes by mode, the mixing controllers' handovers and kills, and the inference
/// services' replicas, QPS and forecast. They share the registry of <see cref="WpaiMetrics"/> (the events the grains
/// count) and Orleans' own meters (<c>Microsoft.Orleans</c>, through prometheus-net's meter adapter). Every silo reports
/// the same cluster state, so aggregate these across silos with <c>max</c>, not <c>sum</c>.
/// </summary>
public sealed partial class ClusterMetrics : IDisposable
{
    private readonly IWpaiClient _client;
    private readonly TimeProvider _clock;
    private readonly ILogger<ClusterMetrics> _logger;
    private readonly IDisposable _orleansMeters;
    private readonly GaugeSeries _queueJobs;
    private readonly GaugeSeries _oldestWait;
    private readonly GaugeSeries _poolGpus;
    private readonly GaugeSeries _poolFreeGpus;
    private readonly GaugeSeries _allocated;
    private readonly GaugeSeries _borrowed;
    private readonly GaugeSeries _quota;
    private readonly GaugeSeries _utilization;
    private readonly GaugeSeries _runningUtilization;
    private readonly GaugeSeries _runningMeasured;
    private readonly GaugeSeries _nodes;
    private readonly GaugeSeries _lentNodes;
    private readonly GaugeSeries _replicas;
    private readonly GaugeSeries _desired;
    private readonly GaugeSeries _qps;
    private readonly GaugeSeries _forecast;
    private readonly Counter _handovers;
    private readonly Counter _reclaimKills;
    private readonly Gauge _up;

    /// <summary>How recent a running job's newest GPU measurement must be to count in the running-utilization gauges.</summary>
    public static readonly TimeSpan FreshUsage = TimeSpan.FromMinutes(5);

    public ClusterMetrics(WpaiMetrics metrics, IWpaiClient client, ILogger<ClusterMetrics> logger, [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _client = client;
        _clock = clock;
        _logger = logger;
        var f = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        string[] poolDept = ["pool", "department"];
        _queueJobs = new(f.CreateGauge("wpai_queue_jobs", "Pending training jobs in a pool's queue, by department.", poolDept));
        _oldestWait = new(f.CreateGauge("wpai_queue_oldest_wait_seconds", "How long the longest-waiting pending job of a department has waited in a pool's queue.", poolDept));
        _poolGpus = new(f.CreateGauge("wpai_pool_gpus", "GPUs of a pool's schedulable nodes.", "pool"));
        _poolFreeGpus = new(f.CreateGauge("wpai_pool_free_gpus", "Free GPUs of a pool's schedulable nodes.", "pool"));
        _allocated = new(f.CreateGauge("wpai_allocated_gpus", "GPUs a department's running training jobs hold in a pool (own quota and borrowed).", poolDept));
        _borrowed = new(f.CreateGauge("wpai_borrowed_gpus", "GPUs a department holds in a pool beyond its own quota (borrowed).", poolDept));
        _quota = new(f.CreateGauge("wpai_quota_gpus", "A department's GPU quota in a pool.", poolDept));
        _utilization = new(f.CreateGauge("wpai_gpu_utilization_ratio", "Measured effective GPU utilization (0-1) of a department's recent jobs.", "department"));
        _runningUtilization = new(f.CreateGauge("wpai_running_gpu_utilization_ratio", "Measured GPU utilization (0-1) of the training jobs running now in a pool, by department: each job's newest GPU sample of the last 5 minutes, weighted by its GPUs.", poolDept));
        _runningMeasured = new(f.CreateGauge("wpai_running_measured_gpus", "GPUs of the running training jobs whose utilization was measured in the last 5 minutes (the weight of wpai_running_gpu_utilization_ratio).", poolDept));
        _nodes = new(f.CreateGauge("wpai_nodes", "Nodes by pool and mode (OnlineNormal, OfflineNormal, Unnormal, Fixed, Down).", "pool", "mode"));
        _lentNodes = new(f.CreateGauge("wpai_lent_nodes", "Inference nodes a pool's mixing controller has lent to training now.", "pool"));
        _replicas = new(f.CreateGauge("wpai_service_replicas", "Placed replicas of an inference service.", "service"));
        _desired = new(f.CreateGauge("wpai_service_desired_replicas", "Replicas an inference service's autoscaler wants.", "service"));
        _qps = new(f.CreateGauge("wpai_service_qps", "Total queries per second an inference service reported last.", "service"));
        _forecast = new(f.CreateGauge("wpai_service_forecast_qps", "The load forecaster's prediction of an inference service's QPS (the newest scaling decision's forecast).", "service"));
        _handovers = f.CreateCounter("wpai_handovers_total", "Nodes a pool's mixing controller handed over, by direction (lend: inference to training; reclaim: back to inference).", "pool", "direction");
        _reclaimKills = f.CreateCounter("wpai_reclaim_kills_total", "Training jobs killed because the lent node they ran on was taken back for inference.", "pool");
        _up = f.CreateGauge("wpai_cluster_state_up", "1 when the last scrape read the cluster's state, 0 when a grain call failed (the state metrics keep their previous values).");
        metrics.Registry.AddBeforeCollectCallback(CollectAsync);
        _orleansMeters = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = metrics.Registry,
            MetricFactory = f, // the default factory would write to prometheus-net's process-wide registry
            InstrumentFilterPredicate = instrument => instrument.Meter.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
        });
    }

    public void Dispose() => _orleansMeters.Dispose();

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pools = _client.ListPoolsAsync(cancellationToken);
            var departments = _client.ListDepartmentsAsync(cancellationToken);
            var nodes = _client.ListNodesAsync(null, cancellationToken);
            var services = _client.ListServicesAsync(cancellationToken);
            await Task.WhenAll(pools, departments, nodes, services);
            var mixing = await Task.WhenAll((await pools).Select(p => _client.GetMixingAsync(p.Pool, cancellationToken)));
            var running = await RunningJobsAsync(await nodes, cancellationToken);
            Record(await pools, await departments, await nodes, await services, mixing);
            foreach (var ((pool, department), (utilization, gpus)) in RunningUtilization.Compute(running, _clock.GetUtcNow(), FreshUsage))
            {
                _runningUtilization.Set(utilization, pool, department);
                _runningMeasured.Set(gpus, pool, department);
            }

            _runningUtilization.Sweep();
            _runningMeasured.Sweep();
            _up.Set(1);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _up.Set(0);
            LogCollectFailed(_logger, ex);
        }
    }

    /// <summary>The views of the training jobs the nodes hold now (one call each; a job gone meanwhile is skipped).</summary>
    private async Task<List<JobView>> RunningJobsAsync(ImmutableArray<NodeView> nodes, CancellationToken cancellationToken)
    {
        var ids = nodes.SelectMany(n => n.Allocations.IsDefault ? [] : n.Allocations)
            .Where(a => a.Kind == AllocationKind.TrainingJob).Select(a => a.OwnerId).Distinct(StringComparer.Ordinal).ToList();
        var views = new System.Collections.Concurrent.ConcurrentBag<JobView>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            try
            {
                views.Add(await _client.GetJobAsync(id, ct));
            }
            catch (Abstractions.Errors.WpaiNotFoundException)
            {
                // ended and gone between the node's view and this call
            }
        });
        return [.. views];
    }

    private void Record(
        ImmutableArray<PoolView> pools,
        ImmutableArray<DepartmentView> departments,
        ImmutableArray<NodeView> nodes,
        ImmutableArray<Abstractions.Contracts.Inference.InferenceServiceView> services,
        Abstractions.Contracts.Mixing.MixingView?[] mixing)
    {
        foreach (var pool in pools)
        {
            _poolGpus.Set(pool.Capacity.Gpus, pool.Pool);
            _poolFreeGpus.Set(pool.Free.Gpus, pool.Pool);
            foreach (var group in pool.Queue.GroupBy(q => q.Department, StringComparer.Ordinal))
            {
                _queueJobs.Set(group.Count(), pool.Pool, group.Key);
                _oldestWait.Set(group.Max(q => q.Waited).TotalSeconds, pool.Pool, group.Key);
            }
        }

        foreach (var department in departments)
        {
            foreach (var (pool, usage) in department.Usage)
            {
                _allocated.Set(usage.OwnGpus + usage.BorrowedGpus, pool, department.Name);
                _borrowed.Set(usage.BorrowedGpus, pool, department.Name);
            }

            foreach (var (pool, gpus) in department.Quota)
            {
                _quota.Set(gpus, pool, department.Name);
            }

            if (department.RecentUtilization is { } u)
            {
                _utilization.Set(u, department.Name);
            }
        }

        foreach (var group in nodes.GroupBy(n => (n.Spec.Pool, n.Mode)))
        {
            _nodes.Set(group.Count(), group.Key.Pool, group.Key.Mode.ToString());
        }

        foreach (var view in mixing.OfType<Abstractions.Contracts.Mixing.MixingView>())
        {
            _lentNodes.Set(view.LentNodes.IsDefault ? 0 : view.LentNodes.Length, view.Pool);
            _handovers.WithLabels(view.Pool, "lend").IncTo(view.Lent);
            _handovers.WithLabels(view.Pool, "reclaim").IncTo(view.Reclaimed);
            _reclaimKills.WithLabels(view.Pool).IncTo(view.Kills);
        }

        foreach (var service in services)
        {
            var name = service.Spec.Name;
            _replicas.Set(service.Replicas.IsDefault ? 0 : service.Replicas.Length, name);
            _desired.Set(service.DesiredReplicas, name);
            if (service.LastMetrics is { } last)
            {
                _qps.Set(last.TotalQps, name);
            }

            // The newest QPS decision's forecast is per replica (as its observed value); the gauge is the service's total.
            if (!service.Decisions.IsDefault
                && service.Decisions.FirstOrDefault(d => d.Metric == Abstractions.Contracts.Inference.ScalingMetric.QpsPerReplica && d.Forecast is not null) is { } decision)
            {
                _forecast.Set(decision.Forecast!.Value * Math.Max(1, decision.FromReplicas), name);
            }
        }

        foreach (var series in new[] { _queueJobs, _oldestWait, _poolGpus, _poolFreeGpus, _allocated, _borrowed, _quota, _utilization, _nodes, _lentNodes, _replicas, _desired, _qps, _forecast })
        {
            series.Sweep();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the cluster's state for /metrics; the state metrics keep their previous values")]
    private static partial void LogCollectFailed(ILogger logger, Exception exception);
}
