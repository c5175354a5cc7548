using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Domain.Scaling;

/// <summary>
/// One metric as the policy sees it: <paramref name="Observed"/> is the average per ready replica at the current
/// replica count N (for QPS: total QPS / N); <paramref name="Forecast"/> the forecast peak over the scaling horizon in
/// the same unit at the same N (null when there is none); <paramref name="Target"/> the <c>expectRate</c> (or SLO).
/// </summary>
public sealed record MetricSignal(ScalingMetric Metric, double Observed, double? Forecast, double Target)
{
    /// <summary>The latency and error-rate metrics are SLOs: a breach forces expansion.</summary>
    public bool IsSlo => Metric is ScalingMetric.LatencyP99 or ScalingMetric.ErrorRate;
}
