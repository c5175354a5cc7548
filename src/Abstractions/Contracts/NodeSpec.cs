namespace WPAI.Abstractions.Contracts;

/// <summary>The hardware of one node. <paramref name="Pool"/> is the GPU model (or <c>cpu</c>).</summary>
[GenerateSerializer, Immutable, Alias("wpai.node-spec")]
public sealed record NodeSpec(string Name, string Pool, int Gpus, int CpuMilli, long MemoryMib)
{
    public Resources Capacity => new(Gpus, CpuMilli, MemoryMib);
}
