using System.Collections.Immutable;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Inference;

/// <summary>The provisioning mechanisms of the predictive rule (<see cref="ProvisioningOptions"/>) in <see cref="ServiceAutoscaler"/>.</summary>
public sealed class ProvisioningTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    // capacity 50, QPS target 35 per replica (0.7), bounds [1, 10]
    private static InferenceServiceSpec Spec => MetricWindowTests.Spec() with { Targets = ImmutableDictionary<ScalingMetric, double>.Empty };

    private static MetricWindow Window(params (int Seconds, double Qps)[] reports)
    {
        var w = new MetricWindow(TimeSpan.FromSeconds(60));
        foreach (var (s, q) in reports)
        {
            w.Add(new ServiceMetrics(T0.AddSeconds(s), q, 0, 0, 0, 0, 0));
        }

        return w;
    }

    private static ScalingDecisionView Decide(ServiceAutoscaler a, int seconds, int current, MetricWindow w, LoadOutlook? outlook) =>
        a.Decide(T0.AddSeconds(seconds), null, Spec, current, current, current, w, outlook, null, []).View;

    [Fact]
    public void BurstDetector_ScalesOnTheNewestReport_AndHoldsScaleDown()
    {
        var options = new ProvisioningOptions { BurstDetector = true };
        var burst = new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options);
        var plain = new ServiceAutoscaler(AutoscalerKind.Predictive);

        // 2 replicas; the mean of the window is 70 (on target) but the newest report is 210: 210 / 35 / 2 = 3 >= 2.
        var w = Window((0, 0), (15, 0), (30, 70), (45, 210));
        Assert.Equal(6, Decide(burst, 45, 2, w, null).ToReplicas); // ceil(210 / 35)
        Assert.Equal(2, Decide(plain, 45, 2, w, null).ToReplicas); // the mean (70) is on target

        // 30 s later the load is gone: no scale-down while the panic holds (60 s), then the rule decides again.
        var quiet = Window((75, 10));
        Assert.Equal(6, Decide(burst, 75, 6, quiet, null).ToReplicas);
        Assert.Equal(1, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, TimeSpan.Zero, options), 200, 6, quiet, null).ToReplicas);
    }

    [Fact]
    public void ValleyScaleDown_FollowsTheForecastWithoutTheWindow()
    {
        var valley = new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: new ProvisioningOptions { ValleyScaleDown = true });
        var plain = new ServiceAutoscaler(AutoscalerKind.Predictive);
        var outlook = new LoadOutlook([70, 70, 70], 1.0);

        // 10 replicas, load and forecast at 70: 2 replicas are enough. A recommendation of 10 a minute ago is in the window.
        var recent = ImmutableList.Create(new Recommendation(T0.AddSeconds(-60), 10));
        var v = valley.Decide(T0, null, Spec, 10, 10, 10, Window((0, 70)), outlook, null, recent).View;
        var p = plain.Decide(T0, null, Spec, 10, 10, 10, Window((0, 70)), outlook, null, recent).View;
        Assert.Equal(2, v.ToReplicas);
        Assert.Equal(10, p.ToReplicas);

        // Without a forecast (reactive) the window still holds.
        Assert.Equal(10, valley.Decide(T0, null, Spec, 10, 10, 10, Window((0, 70)), null, null, recent).View.ToReplicas);
    }

    [Fact]
    public void CostAwareScaleIn_KeepsCapacityARisingForecastNeedsBack()
    {
        var options = new ProvisioningOptions { ValleyScaleDown = true, CostAwareScaleIn = true, StartupSteps = 1 };
        var rising = new LoadOutlook([70, 90, 110], 1.0);
        var falling = new LoadOutlook([70, 60, 50], 1.0);

        // 6 replicas at 70 QPS: the rule would go to 3 (the forecast peak 110 / 35) on a rising forecast; it keeps 6.
        Assert.Equal(6, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 0, 6, Window((0, 70)), rising).ToReplicas);

        // A falling forecast: the scale-in goes ahead.
        Assert.Equal(2, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 0, 6, Window((0, 70)), falling).ToReplicas);
        Assert.True(ServiceAutoscaler.NeededBack(rising, 4, 35, 1));
        Assert.False(ServiceAutoscaler.NeededBack(falling, 2, 35, 1));
        Assert.True(ServiceAutoscaler.NeededBack(new LoadOutlook([80, 60], 1.0), 2, 35, 1)); // 80 > 2 x 35 within the start-up
    }

    [Fact]
    public void ForecastUtilization_ProvisionsTheForecastAtThatShareOfCapacity()
    {
        var options = new ProvisioningOptions { ForecastUtilization = 0.9 };
        var outlook = new LoadOutlook([180], 1.0);

        // 180 QPS at 0.9 x 50 = 45 per replica: 4 replicas (at the spec's 35: 6).
        Assert.Equal(4, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 0, 1, Window((0, 100)), outlook).ToReplicas);
        Assert.Equal(6, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive), 0, 1, Window((0, 100)), outlook).ToReplicas);

        // Without a forecast the spec's target applies: 100 / 35 -> 3.
        Assert.Equal(3, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 0, 1, Window((0, 100)), null).ToReplicas);
    }

    [Fact]
    public void Reactive_IgnoresTheProvisioningMechanisms()
    {
        var options = new ProvisioningOptions { BurstDetector = true };
        var w = Window((0, 0), (15, 0), (30, 70), (45, 210));
        Assert.Equal(2, Decide(new ServiceAutoscaler(AutoscalerKind.Reactive, provisioning: options), 45, 2, w, null).ToReplicas);
    }

    [Fact]
    public void KpaReactive_WithoutAForecast_DecidesAsKnativesKpa()
    {
        var wpai = new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: new ProvisioningOptions { KpaReactive = true });
        var kpa = new ServiceAutoscaler(AutoscalerKind.Kpa);
        var loads = new[] { 70.0, 70, 300, 320, 310, 100, 40, 40, 40, 40, 35, 10, 10, 10, 10, 10, 500, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20 };
        var (w1, w2) = (new MetricWindow(TimeSpan.FromSeconds(60)), new MetricWindow(TimeSpan.FromSeconds(60)));
        var (a, b) = (2, 2);
        for (var i = 0; i < loads.Length; i++)
        {
            var at = T0.AddSeconds(15 * i);
            w1.Add(new ServiceMetrics(at, loads[i], 0, 0, 0, 0, 0));
            w2.Add(new ServiceMetrics(at, loads[i], 0, 0, 0, 0, 0));
            a = wpai.Decide(at, null, Spec, a, a, a, w1, null, null, []).View.ToReplicas;
            b = kpa.Decide(at, null, Spec, b, b, b, w2, null, null, []).View.ToReplicas;
            Assert.Equal(b, a);
        }

        Assert.True(a < 10); // it did scale down after the burst
    }

    [Fact]
    public void KpaReactive_WithAForecast_TakesTheLargerOfKnativeAndTheForecast()
    {
        var options = new ProvisioningOptions { KpaReactive = true, ForecastUtilization = 0.8 };

        // 1 replica at 70 QPS: Knative asks ceil(70 / 35) = 2; the forecast peak 200 at 0.8 x 50 = 40 asks 5.
        var up = Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 0, 1, Window((0, 70)), new LoadOutlook([120, 200], 1.0));
        Assert.Equal(5, up.ToReplicas);
        Assert.Contains("forecast peak 200", up.Reason, StringComparison.Ordinal);

        // A low forecast leaves Knative's count.
        Assert.Equal(2, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 0, 1, Window((0, 70)), new LoadOutlook([30], 1.0)).ToReplicas);
    }

    [Fact]
    public void ReactiveUtilization_RunsKnativeHotterOnlyWhileAForecastIsUsed()
    {
        var options = new ProvisioningOptions { KpaReactive = true, ForecastUtilization = 0.9, ReactiveUtilization = 0.9 };
        var low = new LoadOutlook([10], 1.0); // asks 1 replica: Knative decides

        // 1 replica at 120 QPS: at the spec's target (35 per replica) Knative asks ceil(120 / 35) = 4; at 0.9 of capacity
        // (45 per replica) it asks ceil(120 / 45) = 3.
        Assert.Equal(3, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 0, 1, Window((0, 120)), low).ToReplicas);
        Assert.Equal(4, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options with { ReactiveUtilization = null }), 0, 1, Window((0, 120)), low).ToReplicas);

        // Without a forecast (no pattern, no forecaster) the spec's target holds.
        Assert.Equal(4, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 0, 1, Window((0, 120)), null).ToReplicas);
    }

    [Fact]
    public void KpaReactive_ScalesInByHalfAfterThePanic_UnlessTheForecastNeedsTheCapacityBack()
    {
        var plain = new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: new ProvisioningOptions { KpaReactive = true });
        var aware = new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: new ProvisioningOptions { KpaReactive = true, CostAwareScaleIn = true });
        var rising = new LoadOutlook([20, 60, 100], 1.0); // peak 100 asks only 3, but it rises

        // 8 ready replicas: a new decider starts in panic (as Knative's), so no scale-down at first.
        Assert.Equal(8, Decide(plain, 0, 8, Window((0, 35)), null).ToReplicas);
        Assert.Equal(8, Decide(aware, 0, 8, Window((0, 35)), rising).ToReplicas);

        // A stable window later the panic is over: Knative halves at most (8 -> 4); the rising forecast keeps 8.
        Assert.Equal(4, Decide(plain, 61, 8, Window((61, 35)), null).ToReplicas);
        var kept = Decide(aware, 61, 8, Window((61, 35)), rising);
        Assert.Equal(8, kept.ToReplicas);
        Assert.Contains("needs the capacity back", kept.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void KpaReactive_OtherMetricsCanOnlyAddReplicas()
    {
        var spec = MetricWindowTests.Spec(); // GPU target 0.6
        var a = new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: new ProvisioningOptions { KpaReactive = true });
        var hot = new MetricWindow(TimeSpan.FromSeconds(60));
        hot.Add(new ServiceMetrics(T0, 35, 0.1, 0.9, 0.2, 100, 0)); // QPS asks 1, GPU 0.9 vs 0.6 asks ceil(1.5 x 2) = 3
        var view = a.Decide(T0, null, spec, 2, 2, 1, hot, null, null, []).View;
        Assert.Equal(3, view.ToReplicas);
        Assert.Contains("other metrics ask 3", view.Reason, StringComparison.Ordinal);

        var cold = new MetricWindow(TimeSpan.FromSeconds(60));
        cold.Add(new ServiceMetrics(T0.AddSeconds(120), 35, 0.1, 0.1, 0.2, 100, 0)); // GPU idle asks fewer: QPS decides
        Assert.Equal(1, a.Decide(T0.AddSeconds(120), null, spec, 2, 2, 1, cold, null, null, []).View.ToReplicas);
    }

    [Fact]
    public void TrendLookAhead_SizesKnativesCountForTheLoadTheTrendProjectsAStartUpAhead()
    {
        var options = new ProvisioningOptions { KpaReactive = true, TrendLookAhead = TimeSpan.FromSeconds(60) };

        // 1 ready replica (a new decider starts in panic with more than one). A ramp of 2 QPS a second, 100 -> 190 over
        // 45 s: Knative asks ceil(145 / 35) = 5 on the mean and panics on the newest report, ceil(190 / 35) = 6; the trend
        // reads 310 at +60 s and asks ceil(310 / 35) = 9.
        var ramp = Window((0, 100), (15, 130), (30, 160), (45, 190));
        var up = Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 45, 1, ramp, null);
        Assert.Equal(9, up.ToReplicas);
        Assert.Contains("trend 60 s ahead", up.Reason, StringComparison.Ordinal);
        Assert.Equal(6, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options with { TrendLookAhead = null }), 45, 1, ramp, null).ToReplicas);

        // A falling load does not lower the count below Knative's on the mean (190 -> 100: the mean 145 asks 5).
        var fall = Window((0, 190), (15, 160), (30, 130), (45, 100));
        Assert.Equal(5, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 45, 1, fall, null).ToReplicas);
    }

    [Fact]
    public void ReactiveUtilization_AppliesWithTheTrend_EvenWithoutAForecast()
    {
        var options = new ProvisioningOptions { KpaReactive = true, TrendLookAhead = TimeSpan.FromSeconds(60), ReactiveUtilization = 0.8 };

        // A flat 120 QPS: the trend is the mean; at 0.8 x 50 = 40 per replica Knative asks 3 (at the spec's 35: 4).
        var flat = Window((0, 120), (15, 120), (30, 120), (45, 120));
        Assert.Equal(3, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options), 45, 1, flat, null).ToReplicas);
        Assert.Equal(4, Decide(new ServiceAutoscaler(AutoscalerKind.Predictive, provisioning: options with { TrendLookAhead = null }), 45, 1, flat, null).ToReplicas);
    }

    [Fact]
    public void Validate_RejectsBadSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProvisioningOptions { TrendLookAhead = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProvisioningOptions { PanicThreshold = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProvisioningOptions { ForecastUtilization = 1.5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProvisioningOptions { ReactiveUtilization = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProvisioningOptions { StartupSteps = 0 }.Validate());
    }
}
