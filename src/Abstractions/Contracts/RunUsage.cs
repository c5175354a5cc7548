namespace WPAI.Abstractions.Contracts;

/// <summary>What one finished run of a recurring job measured: GPUs held, effective utilization, CPU average and peak (millicores).</summary>
[GenerateSerializer, Immutable, Alias("wpai.run-usage")]
public sealed record RunUsage(int Gpus, double EffectiveGpuUtilization, double CpuAverageMilli, double CpuPeakMilli);
