using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Inference;

/// <summary>
/// A service's rolling metric window: the reports of the last <c>span</c> before the newest one. It admits only
/// finite non-negative metrics and turns the window into the scaling policy's signals.
/// </summary>
public sealed class MetricWindow(TimeSpan span)
{
    private readonly List<ServiceMetrics> _reports = [];

    public bool IsEmpty => _reports.Count == 0;

    /// <summary>The newest report admitted; null while empty.</summary>
    public ServiceMetrics? Latest => _reports.Count == 0 ? null : _reports[^1];

    /// <summary>The mean total QPS of the window (0 while empty).</summary>
    public double MeanQps => _reports.Count == 0 ? 0 : _reports.Average(m => m.TotalQps);

    /// <summary>
    /// The window's total QPS read off its least-squares line at <paramref name="at"/> (the load the window's trend
    /// projects for that time); the mean while the window holds fewer than two report times (0 while empty).
    /// </summary>
    public double TrendQps(DateTimeOffset at)
    {
        if (_reports.Count == 0)
        {
            return 0;
        }

        var origin = _reports[^1].At;
        var meanX = _reports.Average(m => (m.At - origin).TotalSeconds);
        var meanY = MeanQps;
        double sxx = 0, sxy = 0;
        foreach (var m in _reports)
        {
            var dx = (m.At - origin).TotalSeconds - meanX;
            sxx += dx * dx;
            sxy += dx * (m.TotalQps - meanY);
        }

        return sxx > 0 ? meanY + (sxy / sxx * ((at - origin).TotalSeconds - meanX)) : meanY;
    }

    /// <summary>Admits a report; a bad one throws <see cref="WpaiValidationException"/> and changes nothing.</summary>
    public void Add(ServiceMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        double[] values = [metrics.TotalQps, metrics.CpuUtilization, metrics.GpuUtilization, metrics.MemoryUtilization, metrics.LatencyP99Ms, metrics.ErrorRate];
        if (values.Any(v => !double.IsFinite(v) || v < 0))
        {
            throw new WpaiValidationException("metrics", "every metric must be a finite non-negative number", "Report QPS, utilizations (fractions), p99 latency (ms) and error rate (fraction).");
        }

        _reports.Add(metrics);
        var newest = _reports.Max(m => m.At);
        _reports.RemoveAll(m => m.At <= newest - span);
    }

    /// <summary>
    /// The signals at <paramref name="replicas"/> replicas: QPS per replica (the window's mean, or
    /// <paramref name="observedQps"/> when given, with the forecast peak per replica, against <paramref name="qpsTarget"/>
    /// when given, else the spec's target), the
    /// spec's CPU/GPU/memory targets, p99 latency (the window's worst) and error rate against their SLOs.
    /// </summary>
    public ImmutableArray<MetricSignal> Signals(InferenceServiceSpec spec, int replicas, double? forecastQps, double? observedQps = null, double? qpsTarget = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (IsEmpty)
        {
            throw new InvalidOperationException("no metrics in the window");
        }

        var builder = ImmutableArray.CreateBuilder<MetricSignal>();
        builder.Add(new MetricSignal(ScalingMetric.QpsPerReplica, (observedQps ?? MeanQps) / replicas, forecastQps / replicas, qpsTarget ?? InferenceServiceSpecs.QpsTarget(spec)));
        foreach (var (metric, target) in spec.Targets)
        {
            double? observed = metric switch
            {
                ScalingMetric.Cpu => _reports.Average(m => m.CpuUtilization),
                ScalingMetric.Gpu => _reports.Average(m => m.GpuUtilization),
                ScalingMetric.Memory => _reports.Average(m => m.MemoryUtilization),
                _ => null,
            };
            if (observed is { } o)
            {
                builder.Add(new MetricSignal(metric, o, null, target));
            }
        }

        builder.Add(new MetricSignal(ScalingMetric.LatencyP99, _reports.Max(m => m.LatencyP99Ms), null, spec.LatencySloP99.TotalMilliseconds));
        builder.Add(new MetricSignal(ScalingMetric.ErrorRate, _reports.Average(m => m.ErrorRate), null, spec.ErrorRateSlo));
        return builder.ToImmutable();
    }
}
