namespace WPAI.Abstractions.Contracts;

/// <summary>An amount of node resources: whole GPUs, CPU in millicores, memory in MiB.</summary>
[GenerateSerializer, Immutable, Alias("wpai.resources")]
public sealed record Resources(int Gpus, int CpuMilli, long MemoryMib)
{
    public static Resources None { get; } = new(0, 0, 0);

    public Resources Add(Resources other) => new(Gpus + other.Gpus, CpuMilli + other.CpuMilli, MemoryMib + other.MemoryMib);

    public Resources Subtract(Resources other) => new(Gpus - other.Gpus, CpuMilli - other.CpuMilli, MemoryMib - other.MemoryMib);

    public bool Fits(Resources request) => request.Gpus <= Gpus && request.CpuMilli <= CpuMilli && request.MemoryMib <= MemoryMib;

    public bool IsNonNegative => Gpus >= 0 && CpuMilli >= 0 && MemoryMib >= 0;

    public override string ToString() => $"{Gpus} GPU, {CpuMilli}m CPU, {MemoryMib} MiB";
}
