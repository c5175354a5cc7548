namespace WPAI.Simulation.Metrics;

/// <summary>A pool's GPU allocation and utilization over the arrival window, as fractions of its capacity.</summary>
public sealed record PoolMetrics(string Pool, int Gpus, double GpuAllocation, double GpuUtilization);
