namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>
/// One replica's load over its model server's last report interval, as its node agent read it: requests per second,
/// p50/p99 latency and mean queue time in milliseconds, error rate (fraction), and the CPU its process group used
/// (millicores, measured by the agent); GPU utilization (fraction) when measured.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.replica-load-sample")]
public sealed record ReplicaLoadSample(
    DateTimeOffset At,
    double Qps,
    double P50Ms,
    double P99Ms,
    double QueueMs,
    double ErrorRate,
    double CpuMilli,
    double? GpuUtilization = null);
