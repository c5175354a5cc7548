namespace WPAI.Simulation.Workload;

/// <summary>One node of a simulated fleet. <paramref name="Pool"/> is its GPU model.</summary>
public sealed record SimNode(string Name, string Pool, int Gpus, int CpuMilli, long MemoryMib);
