using System.Collections.Concurrent;
using System.Net;
using k8s.Autorest;
using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Kubernetes;

/// <summary>
/// Runs WPAI's inference replicas as pods of the model server: every <see cref="KubernetesDriverOptions.ReplicaSyncInterval"/>
/// it makes the pods match each service's replicas (one pod per replica on the replica's node; scaling changes the pod
/// set), keeps one Service per inference service selecting its ready replicas, deletes the pods and Services of
/// services that are gone, and scrapes each ready replica's <c>/metrics</c> into the service grain's metric window, with
/// the replicas' CPU, memory and GPU utilization from the metrics API and the DCGM exporters when the cluster has them.
/// </summary>
public sealed partial class KubernetesReplicaSync(
    IKubernetes client,
    IGrainFactory grains,
    KubernetesUsageReader usageReader,
    IOptions<KubernetesDriverOptions> options,
    TimeProvider time,
    ILogger<KubernetesReplicaSync> logger) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly ConcurrentDictionary<string, ReplicaLoad> _loads = new(StringComparer.Ordinal);

    private KubernetesDriverOptions Options => options.Value;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Options.ModelServerImage is null)
        {
            LogDisabled(logger);
            return;
        }

        using var timer = new PeriodicTimer(Options.ReplicaSyncInterval, time);
        try
        {
            do
            {
                try
                {
                    await SyncOnceAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
                {
                    LogSyncFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>One reconcile and scrape round; returns how many metric reports were delivered.</summary>
    public async Task<int> SyncOnceAsync(CancellationToken cancellationToken)
    {
        var image = Options.ModelServerImage ?? throw new InvalidOperationException("ModelServerImage is not set");
        var ns = Options.Namespace;
        var fleet = await grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        var services = fleet.Services.IsDefault ? [] : fleet.Services;
        var pods = (await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"{KubernetesNames.ManagedBy}={KubernetesNames.ManagedByValue},{KubernetesNames.ServiceLabel}", cancellationToken: cancellationToken)).Items
            .Where(Ours).ToList();
        var existingServices = (await client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: $"{KubernetesNames.ManagedBy}={KubernetesNames.ManagedByValue}", cancellationToken: cancellationToken)).Items
            .Where(Ours).Select(s => s.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var wantedPods = new HashSet<string>(StringComparer.Ordinal);
        var wantedServices = new HashSet<string>(StringComparer.Ordinal);
        var reports = 0;
        (Dictionary<string, PodResourceUsage>? Usage, Dictionary<string, PodGpuUsage> Gpu)? measured = null;
        foreach (var name in services)
        {
            InferenceServiceView view;
            try
            {
                view = await grains.GetGrain<IInferenceServiceGrain>(name).GetAsync();
            }
            catch (WpaiNotFoundException)
            {
                continue;
            }

            var serviceName = ReplicaPodTemplate.ServiceName(name);
            wantedServices.Add(serviceName);
            if (!existingServices.Contains(serviceName))
            {
                await CreateIgnoringConflictAsync(() => client.CoreV1.CreateNamespacedServiceAsync(ReplicaPodTemplate.Service(name, Options), ns, cancellationToken: cancellationToken));
            }

            var podsByName = pods.ToDictionary(p => p.Metadata.Name, StringComparer.Ordinal);
            foreach (var replica in view.Replicas)
            {
                var pod = ReplicaPodTemplate.Build(view.Spec, replica, Options, image);
                wantedPods.Add(pod.Metadata.Name);
                if (!podsByName.ContainsKey(pod.Metadata.Name))
                {
                    await CreateIgnoringConflictAsync(() => client.CoreV1.CreateNamespacedPodAsync(pod, ns, cancellationToken: cancellationToken));
                    LogReplicaCreated(logger, pod.Metadata.Name, replica.Node);
                }
            }

            var ready = view.Replicas.Select(r => ReplicaPodTemplate.PodName(name, r.Id))
                .Select(n => podsByName.GetValueOrDefault(n)).OfType<V1Pod>().Where(IsReady).ToList();
            var scrapes = new Dictionary<string, (double, double, double)>(StringComparer.Ordinal);
            foreach (var pod in ready)
            {
                if (await ScrapeAsync(pod, cancellationToken) is { } counters)
                {
                    scrapes[pod.Metadata.Name] = counters;
                }
            }

            if (_loads.GetOrAdd(name, _ => new ReplicaLoad()).Observe(time.GetUtcNow(), scrapes) is { } load)
            {
                measured ??= (await usageReader.PodMetricsAsync(cancellationToken), await usageReader.DcgmAsync(cancellationToken));
                var gpu = measured.Value.Gpu;
                var metrics = ReplicaUtilization.Apply(load, [.. ready.Select(p => p.Metadata.Name)], view.Spec.ReplicaResources, measured.Value.Usage, p => gpu.GetValueOrDefault(usageReader.GpuKey(p)));
                await grains.GetGrain<IInferenceServiceGrain>(name).ReportMetricsAsync(metrics);
                reports++;
            }
        }

        foreach (var pod in pods.Where(p => !wantedPods.Contains(p.Metadata.Name) && p.Metadata.DeletionTimestamp is null))
        {
            await DeleteIgnoringMissingAsync(() => client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, ns, cancellationToken: cancellationToken));
            LogReplicaDeleted(logger, pod.Metadata.Name);
        }

        foreach (var service in existingServices.Where(s => !wantedServices.Contains(s)))
        {
            await DeleteIgnoringMissingAsync(() => client.CoreV1.DeleteNamespacedServiceAsync(service, ns, cancellationToken: cancellationToken));
        }

        foreach (var gone in _loads.Keys.Where(s => !services.Contains(s)).ToList())
        {
            _loads.TryRemove(gone, out _);
        }

        return reports;
    }

    private bool Ours(IKubernetesObject<V1ObjectMeta> o) =>
        o.Metadata.Annotations is { } a && a.TryGetValue(KubernetesNames.OwnerAnnotation, out var owner) && string.Equals(owner, Options.Owner, StringComparison.Ordinal);

    private static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && string.Equals(pod.Status?.Phase, "Running", StringComparison.Ordinal) && !string.IsNullOrEmpty(pod.Status?.PodIP)
        && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private async Task<(double Success, double Failure, double DurationUs)?> ScrapeAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            var text = await _http.GetStringAsync(new Uri($"http://{pod.Status.PodIP}:{Options.ModelServerPort}/metrics"), cancellationToken);
            return (PrometheusText.Sum(text, "nv_inference_request_success") ?? 0, PrometheusText.Sum(text, "nv_inference_request_failure") ?? 0,
                PrometheusText.Sum(text, "nv_inference_request_duration_us") ?? 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogScrapeFailed(logger, pod.Metadata.Name, ex.Message);
            return null;
        }
    }

    private static async Task CreateIgnoringConflictAsync<T>(Func<Task<T>> create)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            // created already (a previous round, or another silo)
        }
    }

    private static async Task DeleteIgnoringMissingAsync<T>(Func<Task<T>> delete)
    {
        try
        {
            await delete();
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            // gone already
        }
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "No model server image (Wpai:Kubernetes:ModelServerImage): inference replicas are not run as pods")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling inference replicas failed; trying again next round")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created replica pod {Pod} on node {Node}")]
    private static partial void LogReplicaCreated(ILogger logger, string pod, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted replica pod {Pod}: its replica is gone")]
    private static partial void LogReplicaDeleted(ILogger logger, string pod);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scraping {Pod} failed: {Reason}")]
    private static partial void LogScrapeFailed(ILogger logger, string pod, string reason);
}
