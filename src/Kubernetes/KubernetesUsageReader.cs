using System.Net;
using k8s.Autorest;

namespace WPAI.Kubernetes;

/// <summary>
/// Reads what the cluster measures about WPAI's pods: CPU and memory from the metrics API (<c>metrics.k8s.io</c>
/// PodMetrics, served by metrics-server) when the cluster serves it, and GPU utilization from the DCGM exporters named in
/// <see cref="KubernetesDriverOptions.DcgmExporterUrls"/>. Used for job pods (<see cref="KubernetesUsageSampler"/>) and
/// inference replicas (<see cref="KubernetesReplicaSync"/>).
/// </summary>
public sealed partial class KubernetesUsageReader(
    IKubernetes client,
    IOptions<KubernetesDriverOptions> options,
    ILogger<KubernetesUsageReader> logger) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private KubernetesDriverOptions Options => options.Value;

    /// <summary>Each pod of the namespace that has metrics, by name; null when the metrics API is not served (404, or 503 when metrics-server is down).</summary>
    public async Task<Dictionary<string, PodResourceUsage>?> PodMetricsAsync(CancellationToken cancellationToken)
    {
        PodMetricsList list;
        try
        {
            list = await client.GetKubernetesPodsMetricsByNamespaceAsync(Options.Namespace).WaitAsync(cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }

        var result = new Dictionary<string, PodResourceUsage>(StringComparer.Ordinal);
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

            result[pod.Metadata.Name] = new PodResourceUsage(cpuMilli, memoryMib);
        }

        return result;
    }

    /// <summary>Each pod's GPU usage from every configured DCGM exporter, keyed by <c>namespace/pod</c>; empty when none is configured or answers.</summary>
    public async Task<Dictionary<string, PodGpuUsage>> DcgmAsync(CancellationToken cancellationToken)
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

    /// <summary>The key of a pod of WPAI's namespace in <see cref="DcgmAsync"/>'s result.</summary>
    public string GpuKey(string pod) => $"{Options.Namespace}/{pod}";

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the DCGM exporter at {Url} failed: {Reason}")]
    private static partial void LogDcgmFailed(ILogger logger, string url, string reason);
}
