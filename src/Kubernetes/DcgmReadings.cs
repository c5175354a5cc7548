namespace WPAI.Kubernetes;

/// <summary>
/// GPU usage per pod from the NVIDIA DCGM exporter's Prometheus text (pure). The exporter, with its Kubernetes mapping
/// on (the GPU operator's default), labels each GPU's samples with the pod that holds the GPU: <c>namespace</c>,
/// <c>pod</c> (or <c>pod_namespace</c>, <c>pod_name</c> with <c>--use-old-namespace</c>). A pod's utilization is the
/// mean of its GPUs' <c>DCGM_FI_DEV_GPU_UTIL</c> (percent → fraction); its GPU-memory fraction is the highest of its
/// GPUs' <c>DCGM_FI_DEV_FB_USED / (FB_USED + FB_FREE)</c>. GPUs held by no pod are ignored.
/// </summary>
public static class DcgmReadings
{
    public const string UtilizationMetric = "DCGM_FI_DEV_GPU_UTIL";

    public const string MemoryUsedMetric = "DCGM_FI_DEV_FB_USED";

    public const string MemoryFreeMetric = "DCGM_FI_DEV_FB_FREE";

    /// <summary>Each pod's GPU usage in the text(s), keyed by <c>namespace/pod</c>.</summary>
    public static Dictionary<string, PodGpuUsage> Parse(IEnumerable<string> texts)
    {
        var utilization = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        var used = new Dictionary<(string Pod, string Gpu), double>();
        var free = new Dictionary<(string Pod, string Gpu), double>();
        foreach (var text in texts)
        {
            foreach (var (pod, gpu, value) in PodSamples(text, UtilizationMetric))
            {
                (utilization.TryGetValue(pod, out var gpus) ? gpus : utilization[pod] = new(StringComparer.Ordinal))[gpu] = value;
            }

            foreach (var (pod, gpu, value) in PodSamples(text, MemoryUsedMetric))
            {
                used[(pod, gpu)] = value;
            }

            foreach (var (pod, gpu, value) in PodSamples(text, MemoryFreeMetric))
            {
                free[(pod, gpu)] = value;
            }
        }

        var result = new Dictionary<string, PodGpuUsage>(StringComparer.Ordinal);
        foreach (var (pod, gpus) in utilization)
        {
            var memory = used.Where(u => u.Key.Pod == pod && free.TryGetValue(u.Key, out var f) && u.Value + f > 0)
                .Select(u => u.Value / (u.Value + free[u.Key]))
                .DefaultIfEmpty(0)
                .Max();
            result[pod] = new PodGpuUsage(Math.Clamp(gpus.Values.Average() / 100, 0, 1), Math.Clamp(memory, 0, 1), gpus.Count);
        }

        return result;
    }

    private static IEnumerable<(string Pod, string Gpu, double Value)> PodSamples(string text, string metric)
    {
        foreach (var sample in PrometheusText.Samples(text, metric))
        {
            var ns = sample.Label("namespace", "pod_namespace");
            var pod = sample.Label("pod", "pod_name");
            if (ns is null || pod is null || double.IsNaN(sample.Value))
            {
                continue;
            }

            var gpu = sample.Label("UUID", "uuid") ?? $"{sample.Label("Hostname")}/{sample.Label("gpu")}";
            yield return ($"{ns}/{pod}", gpu, sample.Value);
        }
    }
}
