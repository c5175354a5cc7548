using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Inference;

namespace WPAI.Domain.Tests.Inference;

public sealed class MetricWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    internal static InferenceServiceSpec Spec(double capacity = 50) => new(
        "svc", "m", "A10", new Resources(1, 1000, 1024), capacity, 1, 10,
        ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.Gpu, 0.6), TimeSpan.FromMilliseconds(200), 0.01);

    private static ServiceMetrics At(int seconds, double qps, double gpu = 0.5, double p99 = 100) => new(T0.AddSeconds(seconds), qps, 0.1, gpu, 0.2, p99, 0);

    [Fact]
    public void Add_KeepsOnlyTheWindowBeforeTheNewestReport()
    {
        var w = new MetricWindow(TimeSpan.FromSeconds(60));
        w.Add(At(0, 100));
        w.Add(At(30, 200));
        w.Add(At(60, 300)); // the report at 0 s is 60 s older: it leaves
        Assert.Equal(250, w.MeanQps, 9);
        Assert.Equal(300, w.Latest!.TotalQps);
    }

    [Fact]
    public void Add_RejectsBadMetrics_AndChangesNothing()
    {
        var w = new MetricWindow(TimeSpan.FromSeconds(60));
        w.Add(At(0, 100));
        var e = Assert.Throws<WpaiValidationException>(() => w.Add(At(10, double.PositiveInfinity)));
        Assert.Equal("metrics", e.Field);
        Assert.Equal(100, w.MeanQps);
    }

    [Fact]
    public void Signals_QpsPerReplica_SpecTargets_AndSlos()
    {
        var w = new MetricWindow(TimeSpan.FromSeconds(60));
        w.Add(At(0, 100, gpu: 0.4, p99: 150));
        w.Add(At(15, 300, gpu: 0.8, p99: 250));
        var signals = w.Signals(Spec(), 4, 800);
        var qps = signals.Single(s => s.Metric == ScalingMetric.QpsPerReplica);
        Assert.Equal(50, qps.Observed, 9);
        Assert.Equal(200, qps.Forecast!.Value, 9);
        Assert.Equal(35, qps.Target, 9);
        Assert.Equal(0.6, signals.Single(s => s.Metric == ScalingMetric.Gpu).Observed, 9);
        Assert.Equal(250, signals.Single(s => s.Metric == ScalingMetric.LatencyP99).Observed);
        Assert.Equal(200, signals.Single(s => s.Metric == ScalingMetric.LatencyP99).Target);
        Assert.DoesNotContain(signals, s => s.Metric == ScalingMetric.Cpu);
    }

    [Fact]
    public void TrendQps_ReadsTheLeastSquaresLineAtTheGivenTime()
    {
        var w = new MetricWindow(TimeSpan.FromSeconds(60));
        Assert.Equal(0, w.TrendQps(T0));
        w.Add(At(0, 100));
        Assert.Equal(100, w.TrendQps(T0.AddSeconds(60)), 9); // one report: its value

        // 100, 130, 160, 190 at 0/15/30/45 s: 2 QPS a second; 60 s after the newest report the line reads 310.
        w.Add(At(15, 130));
        w.Add(At(30, 160));
        w.Add(At(45, 190));
        Assert.Equal(310, w.TrendQps(T0.AddSeconds(105)), 9);
        Assert.Equal(145, w.MeanQps, 9);

        // Noise around a level: 100, 200, 100, 200 fits 1 + 1/3 QPS a second through the mean 150 at 22.5 s.
        var noisy = new MetricWindow(TimeSpan.FromSeconds(60));
        foreach (var (s, q) in new[] { (0, 100.0), (15, 200), (30, 100), (45, 200) })
        {
            noisy.Add(At(s, q));
        }

        Assert.Equal(150 + (4.0 / 3 * (105 - 22.5)), noisy.TrendQps(T0.AddSeconds(105)), 9);
    }

    [Fact]
    public void Signals_OfAnEmptyWindow_Throw()
    {
        Assert.Throws<InvalidOperationException>(() => new MetricWindow(TimeSpan.FromSeconds(60)).Signals(Spec(), 1, null));
    }
}
