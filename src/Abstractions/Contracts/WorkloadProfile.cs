namespace WPAI.Abstractions.Contracts;

/// <summary>
/// How a job uses what it asked for, as fractions of its request: mean GPU utilization, peak GPU-memory
/// fraction, mean and peak CPU use. The simulated driver reports samples from it; real drivers measure them.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.workload-profile")]
public sealed record WorkloadProfile(double GpuUtilization, double GpuMemoryFraction, double CpuAverage, double CpuPeak)
{
    public static WorkloadProfile Default { get; } = new(0.5, 0.5, 0.5, 0.8);
}
