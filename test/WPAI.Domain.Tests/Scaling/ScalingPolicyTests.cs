using System.Collections.Immutable;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Scaling;

public sealed class ScalingPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ScalingInput Input(int current, params MetricSignal[] signals) =>
        new(T0, current, 1, 20, [.. signals], []);

    [Fact]
    public void Decide_ExpandsWithCeil_WhenQpsAboveTarget()
    {
        // 4 replicas at 75 QPS each vs target 50: ceil(75/50 x 4) = 6.
        var d = ScalingPolicy.Decide(Input(4, new MetricSignal(ScalingMetric.QpsPerReplica, 75, null, 50)), new ScalingOptions());
        Assert.Equal(6, d.ToReplicas);
        Assert.Equal(ScalingDecisionKind.Expand, d.Kind);
        Assert.Equal(ScalingMetric.QpsPerReplica, d.Metric);
        Assert.Equal(75, d.Observed);
        Assert.Equal(50, d.Target);
        Assert.Contains("QpsPerReplica", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ContractsWithFloor_WhenGuardOff()
    {
        // 10 replicas at CPU 0.3 vs 0.6: floor(0.5 x 10) = 5.
        var options = new ScalingOptions { ContractionGuard = false, ScaleDownStabilization = TimeSpan.Zero };
        var d = ScalingPolicy.Decide(Input(10, new MetricSignal(ScalingMetric.Cpu, 0.3, null, 0.6)), options);
        Assert.Equal(5, d.ToReplicas);
        Assert.Equal(ScalingDecisionKind.Contract, d.Kind);
    }

    [Fact]
    public void Decide_ContractionGuardKeepsRatioInsideBand_WhenFloorWouldOvershoot()
    {
        // 3 replicas at r = 0.5: floor(1.5) = 1 would put the ratio at 1.5; the guard keeps ceil(1.5 / 1.1) = 2.
        var guarded = new ScalingOptions { ScaleDownStabilization = TimeSpan.Zero };
        var unguarded = guarded with { ContractionGuard = false };
        var signal = new MetricSignal(ScalingMetric.QpsPerReplica, 25, null, 50);
        Assert.Equal(2, ScalingPolicy.Decide(Input(3, signal), guarded).ToReplicas);
        Assert.Equal(1, ScalingPolicy.Decide(Input(3, signal), unguarded).ToReplicas);
    }

    [Theory]
    [InlineData(54.9, 4)] // ratio 1.098: inside +10 %
    [InlineData(45.1, 4)] // ratio 0.902: inside -10 %
    [InlineData(56, 5)] // ratio 1.12: ceil(4.48) = 5
    public void Decide_HoldsInsideToleranceBand(double qps, int expected)
    {
        var d = ScalingPolicy.Decide(Input(4, new MetricSignal(ScalingMetric.QpsPerReplica, qps, null, 50)), new ScalingOptions());
        Assert.Equal(expected, d.ToReplicas);
    }

    [Fact]
    public void Decide_TakesMaxOverMetrics()
    {
        // CPU says floor(0.2/0.6 x 6) = 2, GPU says ceil(0.9/0.6 x 6) = 9: GPU wins.
        var d = ScalingPolicy.Decide(
            Input(6, new MetricSignal(ScalingMetric.Cpu, 0.2, null, 0.6), new MetricSignal(ScalingMetric.Gpu, 0.9, null, 0.6)),
            new ScalingOptions());
        Assert.Equal(9, d.ToReplicas);
        Assert.Equal(ScalingMetric.Gpu, d.Metric);
    }

    [Fact]
    public void Decide_DoesNotContract_WhenAnotherMetricIsInsideBand()
    {
        var d = ScalingPolicy.Decide(
            Input(6, new MetricSignal(ScalingMetric.Cpu, 0.2, null, 0.6), new MetricSignal(ScalingMetric.Memory, 0.6, null, 0.6)),
            new ScalingOptions());
        Assert.Equal(6, d.ToReplicas);
    }

    [Fact]
    public void Decide_ClampsToMax()
    {
        // ceil(500/50 x 4) = 40 > max 20.
        var d = ScalingPolicy.Decide(Input(4, new MetricSignal(ScalingMetric.QpsPerReplica, 500, null, 50)), new ScalingOptions());
        Assert.Equal(20, d.ToReplicas);
        Assert.Equal(ScalingDecisionKind.Clamped, d.Kind);
    }

    [Fact]
    public void Decide_ClampsToMin()
    {
        var input = new ScalingInput(T0, 4, 3, 20, [new MetricSignal(ScalingMetric.QpsPerReplica, 1, null, 50)], []);
        var d = ScalingPolicy.Decide(input, new ScalingOptions { ScaleDownStabilization = TimeSpan.Zero });
        Assert.Equal(3, d.ToReplicas);
    }

    [Fact]
    public void Decide_LatencyBreachForcesExpansion_EvenInsideTolerance()
    {
        // p99 210 ms vs SLO 200 ms is inside the 10 % band, but a breach: at least N + 1.
        var d = ScalingPolicy.Decide(Input(4, new MetricSignal(ScalingMetric.LatencyP99, 210, null, 200)), new ScalingOptions());
        Assert.Equal(5, d.ToReplicas);
        Assert.Equal(ScalingDecisionKind.SloBreach, d.Kind);
        Assert.Contains("SLO breach", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ErrorRateBreachExpandsProportionally()
    {
        // 3 % errors vs SLO 1 % at 4 replicas: ceil(3 x 4) = 12.
        var d = ScalingPolicy.Decide(Input(4, new MetricSignal(ScalingMetric.ErrorRate, 0.03, null, 0.01)), new ScalingOptions());
        Assert.Equal(12, d.ToReplicas);
        Assert.Equal(ScalingDecisionKind.SloBreach, d.Kind);
    }

    [Fact]
    public void Decide_ScalesUpOnForecast_WhenObservationIsLow()
    {
        // Observed 48 (inside band) but forecast 100 per replica at N = 4: ceil(2 x 4) = 8.
        var signal = new MetricSignal(ScalingMetric.QpsPerReplica, 48, 100, 50);
        var d = ScalingPolicy.Decide(Input(4, signal), new ScalingOptions());
        Assert.Equal(8, d.ToReplicas);
        Assert.Equal(100, d.Forecast);
        Assert.Equal(4, ScalingPolicy.Decide(Input(4, signal), ScalingOptions.Reactive).ToReplicas);
    }

    [Fact]
    public void Decide_DoesNotScaleDown_WhenForecastStaysHigh()
    {
        var signal = new MetricSignal(ScalingMetric.QpsPerReplica, 10, 50, 50);
        var options = new ScalingOptions { ScaleDownStabilization = TimeSpan.Zero };
        Assert.Equal(8, ScalingPolicy.Decide(Input(8, signal), options).ToReplicas);
        Assert.Equal(2, ScalingPolicy.Decide(Input(8, signal), options with { UseForecast = false }).ToReplicas);
    }

    [Fact]
    public void Decide_StabilizationKeepsHighestRecommendationInWindow()
    {
        var options = new ScalingOptions();
        var recent = ImmutableList.Create(new Recommendation(T0.AddSeconds(-200), 9), new Recommendation(T0.AddSeconds(-400), 12));

        // Raw contraction to ceil(0.25 x 10 / 1.1) = 3 (floor 2); the 9 recommended 200 s ago is inside 300 s, the 12 is not.
        var input = new ScalingInput(T0, 10, 1, 20, [new MetricSignal(ScalingMetric.QpsPerReplica, 12.5, null, 50)], recent);
        var d = ScalingPolicy.Decide(input, options);
        Assert.Equal(9, d.ToReplicas);
        Assert.Equal(ScalingDecisionKind.Stabilized, d.Kind);
        Assert.DoesNotContain(d.Recent, r => r.Replicas == 12);
        Assert.Contains(d.Recent, r => r.Replicas == 3 && r.At == T0);

        // 301 s later the 9 has left the window too.
        var later = input with { Now = T0.AddSeconds(101), Recent = d.Recent.RemoveAll(r => r.At == T0) };
        Assert.Equal(3, ScalingPolicy.Decide(later, options).ToReplicas);
    }

    [Fact]
    public void Decide_ScaleUpIgnoresStabilization()
    {
        var recent = ImmutableList.Create(new Recommendation(T0.AddSeconds(-10), 2));
        var input = new ScalingInput(T0, 4, 1, 20, [new MetricSignal(ScalingMetric.QpsPerReplica, 100, null, 50)], recent);
        Assert.Equal(8, ScalingPolicy.Decide(input, new ScalingOptions()).ToReplicas);
    }

    [Fact]
    public void Decide_Throws_WhenTargetNotPositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ScalingPolicy.Decide(Input(4, new MetricSignal(ScalingMetric.Cpu, 0.5, null, 0)), new ScalingOptions()));
    }

    [Fact]
    public void ForecastUplift_IsQuantileOfRatios_AndNeverBelowOne()
    {
        var pairs = Enumerable.Range(1, 11).Select(i => (100.0, 90.0 + (i * 2.0))).ToList(); // ratios 0.92 .. 1.12
        Assert.Equal(1.0, ForecastUplift.Multiplier(pairs, 0.9, minSamples: 12));
        pairs.Add((100.0, 114.0));
        // 12 ratios 0.92, 0.94, ..., 1.14; q0.9 at position 9.9: 1.10 + 0.9 x 0.02 = 1.118.
        Assert.Equal(1.118, ForecastUplift.Multiplier(pairs, 0.9, minSamples: 12), 6);
        Assert.Equal(1.0, ForecastUplift.Multiplier(pairs, 0.1, minSamples: 12));
    }

    [Fact]
    public void StaticPeak_SizesForPeakAtTarget()
    {
        Assert.Equal(15, StaticPeakPolicy.Replicas(700, 50, 0.95, 1, 100)); // 700 / 47.5 = 14.7
        Assert.Equal(10, StaticPeakPolicy.Replicas(700, 50, 0.95, 1, 10));
    }
}
