using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Kubernetes;

/// <summary>
/// A service's replica utilizations from what the cluster measured (pure): CPU and memory as fractions of the replica's
/// request (metrics API), GPU utilization from the DCGM exporters, each the mean over the ready replicas that have a
/// reading, and 0 when none has (the metrics API or the exporters are absent).
/// </summary>
public static class ReplicaUtilization
{
    public static ServiceMetrics Apply(
        ServiceMetrics metrics,
        IReadOnlyList<string> readyPods,
        Resources request,
        IReadOnlyDictionary<string, PodResourceUsage>? usage,
        Func<string, PodGpuUsage?> gpu)
    {
        var measured = usage is null ? [] : readyPods.Select(p => usage.GetValueOrDefault(p)).OfType<PodResourceUsage>().ToList();
        var gpus = readyPods.Select(gpu).OfType<PodGpuUsage>().ToList();
        return metrics with
        {
            CpuUtilization = request.CpuMilli > 0 && measured.Count > 0 ? measured.Average(u => u.CpuMilli / request.CpuMilli) : 0,
            MemoryUtilization = request.MemoryMib > 0 && measured.Count > 0 ? measured.Average(u => u.MemoryMib / request.MemoryMib) : 0,
            GpuUtilization = gpus.Count > 0 ? gpus.Average(g => g.Utilization) : 0,
        };
    }
}
