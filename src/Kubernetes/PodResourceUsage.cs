namespace WPAI.Kubernetes;

/// <summary>A pod's CPU (millicores) and memory (MiB) as the metrics API reports them, summed over its containers.</summary>
public sealed record PodResourceUsage(double CpuMilli, double MemoryMib);
