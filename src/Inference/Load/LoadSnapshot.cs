namespace WPAI.Inference.Load;

/// <summary>The load of one server over one interval: what autoscaling reads (GPU use is null when no GPU is in use).</summary>
public sealed record LoadSnapshot(
    DateTimeOffset At,
    TimeSpan Interval,
    double QueriesPerSecond,
    double P50LatencyMs,
    double P95LatencyMs,
    double P99LatencyMs,
    double MeanQueueMs,
    long Requests,
    long Errors,
    double ErrorRate,
    double CpuUtilization,
    double? GpuUtilization);
