using System.Net;
using k8s.Autorest;
using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Kubernetes;

/// <summary>
/// Measured usage of WPAI's running job pods, every <see cref="KubernetesDriverOptions.UsageInterval"/>: CPU and memory
/// from the metrics API (<c>metrics.k8s.io</c> PodMetrics, served by metrics-server) when the cluster serves it, and
/// GPU utilization and GPU-memory fraction from the DCGM exporters named in
/// <see cref="KubernetesDriverOptions.DcgmExporterUrls"/> when there are any. Each pod's sample goes to its job like a
/// node agent's report does (<see cref="IJobGrain.ReportRunUsageAsync"/>, for that attempt only), so right-sizing and
/// the utilization penalty use it. Without the metrics API no sample is sent (a sample needs the CPU reading; the job
/// grain has no "CPU not measured"), and that is logged once, not an error.
/// </summary>
public sealed partial class KubernetesUsageSampler(
    IKubernetes client,
    KubernetesClusterDriver driver,
    IGrainFactory grains,
    IOptions<KubernetesDriverOptions> options,
    TimeProvider time,
    ILogger<KubernetesUsageSampler> logger) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private int _missingLogged;

    private KubernetesDriverOptions Options => options.Value;

    /// <summary>Whether the last round found the metrics API served (null before the first round with running pods).</summary>
    public bool? MetricsApiServed { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.UsageInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await SampleOnceAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
                {
                    LogRoundFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>One round: reads the usage of every running job pod and reports it; returns how many jobs got a sample.</summary>
    public async Task<int> SampleOnceAsync(CancellationToken cancellationToken)
    {
        var pods = driver.RunningPods;
        if (pods.Count == 0)
        {
            return 0;
        }

        var cpu = await PodMetricsAsync(cancellationToken);
        MetricsApiServed = cpu is not null;
        if (cpu is null)
        {
            if (Interlocked.Exchange(ref _missingLogged, 1) == 0)
            {
                LogNoMetricsApi(logger, Options.DcgmExporterUrls.Count);
            }

            return 0;
        }

        var gpu = await DcgmAsync(cancellationToken);
        var now = time.GetUtcNow();
        var reported = 0;
        foreach (var pod in pods)
        {
            if (!cpu.TryGetValue(pod.Name, out var usage))
            {
                continue; // not measured yet (metrics-server lags a new pod by one window)
            }

            var g = gpu.GetValueOrDefault($"{Options.Namespace}/{pod.Name}");
            var sample = new UsageSample(now, g?.Utilization ?? double.NaN, g?.MemoryFraction ?? 0, usage.CpuMilli, usage.MemoryMib);
            await grains.GetGrain<IJobGrain>(pod.JobId).ReportRunUsageAsync(new RunUsageReport(pod.JobId, pod.Attempt, [sample]));
            reported++;
        }

        LogSampled(logger, reported, gpu.Count);
        return reported;
    }

    /// <summary>CPU (millicores) and memory (MiB) of each pod in the namespace, summed over its containers; null when the metrics API is not served.</summary>
    private async Task<Dictionary<string, (double CpuMilli, double MemoryMib)>?> PodMetricsAsync(CancellationToken cancellationToken)
    {
        PodMetricsList list;
        try
        {
            list = await client.GetKubernetesPodsMetricsByNamespaceAsync(Options.Namespace).WaitAsync(cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable)
        {
            // 404: no metrics.k8s.io APIService; 503: registered, but metrics-server is not answering.
            return null;
        }

        var result = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        foreach (var pod in list.Items ?? [])
        {
            double cpuMilli = 0, memoryMib = 0;
            foreach (var container in pod.Containers ?? [])
            {
                if (container.Usage?.TryGetValue("cpu", out var c) == true)
                {
                    cpuMilli += (double)c.ToDecimal() * 1000;
                }

                if (container.Usage?.TryGetValue("memory", out var m) == true)
                {
                    memoryMib += (double)m.ToDecimal() / (1024 * 1024);
                }
            }

            result[pod.Metadata.Name] = (cpuMilli, memoryMib);
        }

        return result;
    }

    private async Task<Dictionary<string, PodGpuUsage>> DcgmAsync(CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        foreach (var url in Options.DcgmExporterUrls)
        {
            try
            {
                texts.Add(await _http.GetStringAsync(new Uri(url), cancellationToken));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogDcgmFailed(logger, url, ex.Message);
            }
        }

        return DcgmReadings.Parse(texts);
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "The cluster does not serve metrics.k8s.io (no metrics-server): jobs get no measured usage from Kubernetes ({DcgmExporters} DCGM exporter(s) configured are not read without it)")]
    private static partial void LogNoMetricsApi(ILogger logger, int dcgmExporters);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Usage round: {Reported} job pod(s) sampled, {GpuPods} pod(s) with GPU readings")]
    private static partial void LogSampled(ILogger logger, int reported, int gpuPods);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the DCGM exporter at {Url} failed: {Reason}")]
    private static partial void LogDcgmFailed(ILogger logger, string url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling job pods' usage failed; trying again next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
