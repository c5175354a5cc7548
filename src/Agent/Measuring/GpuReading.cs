namespace WPAI.Agent.Measuring;

/// <summary>One GPU's utilization (0..1) and used memory (MiB) at one sample.</summary>
public sealed record GpuReading(int Index, double Utilization, long MemoryUsedMib);
