namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A job's measured usage over one interval of one attempt: the means of the samples reported in
/// [<paramref name="Start"/>, <paramref name="Start"/> + <paramref name="Width"/>): CPU in millicores, resident memory
/// in MiB, and GPU utilization and memory as fractions over the samples that measured a GPU (null when none did).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.usage-point")]
public sealed record UsagePoint(
    DateTimeOffset Start,
    TimeSpan Width,
    int Attempt,
    int Samples,
    double CpuMilli,
    double MemoryMib,
    int GpuSamples,
    double? GpuUtilization,
    double? GpuMemoryFraction);
