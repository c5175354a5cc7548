using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Inference;

public sealed class ServiceAutoscalerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static MetricWindow Window(double qps)
    {
        var w = new MetricWindow(TimeSpan.FromSeconds(60));
        w.Add(new ServiceMetrics(T0, qps, 0, 0, 0, 0, 0));
        return w;
    }

    private static LoadOutlook Outlook(double qps) => new([qps], 1.0);

    [Fact]
    public void Decide_HoldsWithoutMetrics_ForEveryRule()
    {
        foreach (var kind in Enum.GetValues<AutoscalerKind>())
        {
            var (view, _) = new ServiceAutoscaler(kind).Decide(T0, null, MetricWindowTests.Spec(), 2, 2, 2, new MetricWindow(TimeSpan.FromSeconds(60)), null, null, []);
            Assert.Equal("Hold", view.Kind);
            Assert.Equal(2, view.ToReplicas);
        }
    }

    [Fact]
    public void Decide_ManualOverride_HoldsUntilItEnds()
    {
        var autoscaler = new ServiceAutoscaler(AutoscalerKind.Predictive);
        var held = autoscaler.Decide(T0, T0.AddMinutes(1), MetricWindowTests.Spec(), 2, 2, 2, Window(1000), Outlook(1000), null, []).View;
        Assert.Equal("Manual", held.Kind);
        Assert.Equal(2, held.ToReplicas);
        var after = autoscaler.Decide(T0.AddMinutes(1), T0.AddMinutes(1), MetricWindowTests.Spec(), 2, 2, 2, Window(1000), Outlook(1000), null, []).View;
        Assert.NotEqual("Manual", after.Kind);
    }

    [Fact]
    public void Decide_Predictive_ExpandsOnTheForecast()
    {
        // 2 replicas at 35 QPS each is on target; a forecast of 280 QPS asks for 8.
        var (view, _) = new ServiceAutoscaler(AutoscalerKind.Predictive).Decide(T0, null, MetricWindowTests.Spec(), 2, 2, 2, Window(70), Outlook(280), null, []);
        Assert.Equal(8, view.ToReplicas);
    }

    [Fact]
    public void Decide_Reactive_IgnoresAForecast_AndSaysWhyWhenPredictiveHasNone()
    {
        var reactive = new ServiceAutoscaler(AutoscalerKind.Reactive).Decide(T0, null, MetricWindowTests.Spec(), 2, 2, 2, Window(70), null, "training", []).View;
        Assert.Equal(2, reactive.ToReplicas);
        Assert.DoesNotContain("reactive:", reactive.Reason, StringComparison.Ordinal);
        var predictive = new ServiceAutoscaler(AutoscalerKind.Predictive).Decide(T0, null, MetricWindowTests.Spec(), 2, 2, 2, Window(70), null, "training", []).View;
        Assert.EndsWith("(reactive: training)", predictive.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Hpa_IsTheHpaCalculation_OnReadyReplicas()
    {
        var spec = MetricWindowTests.Spec();
        var expected = HpaController.Sync(new HpaInput(T0, 2, 2, 210, 35, spec.MinReplicas, spec.MaxReplicas), HpaState.Empty, new HpaOptions());
        var (view, _) = new ServiceAutoscaler(AutoscalerKind.Hpa).Decide(T0, null, spec, 2, 2, 2, Window(210), null, null, []);
        Assert.Equal(expected.ToReplicas, view.ToReplicas);
        Assert.Equal("Expand", view.Kind);
    }

    [Fact]
    public void Decide_Fixed_NeverChangesTheCount()
    {
        var (view, _) = new ServiceAutoscaler(AutoscalerKind.Fixed).Decide(T0, null, MetricWindowTests.Spec(), 3, 3, 3, Window(10_000), Outlook(10_000), null, []);
        Assert.Equal(3, view.ToReplicas);
        Assert.Equal(3, view.FromReplicas);
    }
}
