using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A training job as submitted. <paramref name="GpuModels"/> lists the acceptable GPU models (pools) in order of
/// preference. <paramref name="Duration"/> is the expected run time (the simulated driver runs it that long).
/// <paramref name="Template"/> names a recurring job family for right-sizing; <paramref name="LongRunning"/> pins it to Fixed nodes.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.job-spec")]
public sealed record JobSpec(
    string JobId,
    string Department,
    ImmutableArray<string> GpuModels,
    int Gpus,
    int CpuMilli,
    long MemoryMib,
    TimeSpan Duration,
    string? Template = null,
    WorkloadProfile? Workload = null,
    bool LongRunning = false)
{
    public Resources Request => new(Gpus, CpuMilli, MemoryMib);
}
