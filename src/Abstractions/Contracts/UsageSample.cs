namespace WPAI.Abstractions.Contracts;

/// <summary>A measured usage sample of a running job, as fractions of its allocation.</summary>
[GenerateSerializer, Immutable, Alias("wpai.usage-sample")]
public sealed record UsageSample(DateTimeOffset At, double GpuUtilization, double GpuMemoryFraction, double CpuUsedMilli);
