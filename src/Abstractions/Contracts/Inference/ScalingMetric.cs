namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>A metric an inference service scales on (README, "Autoscaling").</summary>
public enum ScalingMetric
{
    /// <summary>CPU utilization per replica, a fraction of its CPU request (0..1+).</summary>
    Cpu = 0,

    /// <summary>GPU utilization per replica, a fraction (0..1).</summary>
    Gpu = 1,

    /// <summary>Memory use per replica, a fraction of its memory request.</summary>
    Memory = 2,

    /// <summary>Queries per second per replica.</summary>
    QpsPerReplica = 3,

    /// <summary>p99 latency in milliseconds; its target is the latency SLO.</summary>
    LatencyP99 = 4,

    /// <summary>Fraction of requests that fail; its target is the error-rate SLO.</summary>
    ErrorRate = 5,
}
