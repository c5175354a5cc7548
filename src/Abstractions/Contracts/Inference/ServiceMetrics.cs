namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>
/// One metric report of a service, from its model servers or the simulator: the total QPS and the averages over its
/// ready replicas (utilizations as fractions, p99 latency in milliseconds, error rate as a fraction).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.service-metrics")]
public sealed record ServiceMetrics(
    DateTimeOffset At,
    double TotalQps,
    double CpuUtilization,
    double GpuUtilization,
    double MemoryUtilization,
    double LatencyP99Ms,
    double ErrorRate);
