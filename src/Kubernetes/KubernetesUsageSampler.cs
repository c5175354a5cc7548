using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Kubernetes;

/// <summary>
/// Measured usage of WPAI's running job pods, every <see cref="KubernetesDriverOptions.UsageInterval"/> (a round of
/// <see cref="KubernetesDriverRuntime"/>): CPU and memory
/// from the metrics API (<c>metrics.k8s.io</c> PodMetrics, served by metrics-server) when the cluster serves it, and
/// GPU utilization and GPU-memory fraction from the DCGM exporters named in
/// <see cref="KubernetesDriverOptions.DcgmExporterUrls"/> when there are any. Each pod's sample goes to its job like a
/// node agent's report does (<see cref="IJobGrain.ReportRunUsageAsync"/>, for that attempt only), so right-sizing and
/// the utilization penalty use it. Without the metrics API no sample is sent (a sample needs the CPU reading; the job
/// grain has no "CPU not measured"), and that is logged once, not an error.
/// </summary>
public sealed partial class KubernetesUsageSampler(
    KubernetesUsageReader reader,
    KubernetesClusterDriver driver,
    IGrainFactory grains,
    IOptions<KubernetesDriverOptions> options,
    TimeProvider time,
    ILogger<KubernetesUsageSampler> logger)
{
    private int _missingLogged;

    private KubernetesDriverOptions Options => options.Value;

    /// <summary>Whether the last round found the metrics API served (null before the first round with running pods).</summary>
    public bool? MetricsApiServed { get; private set; }

    /// <summary>One round: reads the usage of every running job pod and reports it; returns how many jobs got a sample.</summary>
    public async Task<int> SampleOnceAsync(CancellationToken cancellationToken)
    {
        var pods = driver.RunningPods;
        if (pods.Count == 0)
        {
            return 0;
        }

        var cpu = await reader.PodMetricsAsync(cancellationToken);
        MetricsApiServed = cpu is not null;
        if (cpu is null)
        {
            if (Interlocked.Exchange(ref _missingLogged, 1) == 0)
            {
                LogNoMetricsApi(logger, Options.DcgmExporterUrls.Count);
            }

            return 0;
        }

        var gpu = await reader.DcgmAsync(cancellationToken);
        var now = time.GetUtcNow();
        var reported = 0;
        foreach (var pod in pods)
        {
            if (!cpu.TryGetValue(pod.Name, out var usage))
            {
                continue; // not measured yet (metrics-server lags a new pod by one window)
            }

            var g = gpu.GetValueOrDefault(reader.GpuKey(pod.Name));
            var sample = new UsageSample(now, g?.Utilization ?? double.NaN, g?.MemoryFraction ?? 0, usage.CpuMilli, usage.MemoryMib);
            await grains.GetGrain<IJobGrain>(pod.JobId).ReportRunUsageAsync(new RunUsageReport(pod.JobId, pod.Attempt, [sample]));
            reported++;
        }

        LogSampled(logger, reported, gpu.Count);
        return reported;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The cluster does not serve metrics.k8s.io (no metrics-server): jobs get no measured usage from Kubernetes ({DcgmExporters} DCGM exporter(s) configured are not read without it)")]
    private static partial void LogNoMetricsApi(ILogger logger, int dcgmExporters);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Usage round: {Reported} job pod(s) sampled, {GpuPods} pod(s) with GPU readings")]
    private static partial void LogSampled(ILogger logger, int reported, int gpuPods);
}
