namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A measured usage sample of a running job: GPU utilization and memory as fractions (NaN utilization: not measured),
/// CPU in millicores, and resident memory in MiB (0 when not measured).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.usage-sample")]
public sealed record UsageSample(DateTimeOffset At, double GpuUtilization, double GpuMemoryFraction, double CpuUsedMilli, double MemoryUsedMib = 0);
