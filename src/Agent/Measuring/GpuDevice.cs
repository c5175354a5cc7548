namespace WPAI.Agent.Measuring;

/// <summary>One GPU as nvidia-smi lists it: index, name, total memory in MiB.</summary>
public sealed record GpuDevice(int Index, string Name, long MemoryMib);
