namespace WPAI.Kubernetes;

/// <summary>A pod's GPU usage as the DCGM exporter reports it: mean utilization and peak GPU-memory fraction over its <paramref name="Gpus"/> GPUs.</summary>
public sealed record PodGpuUsage(double Utilization, double MemoryFraction, int Gpus);
