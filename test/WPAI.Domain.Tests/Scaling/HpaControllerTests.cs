using System.Collections.Immutable;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Scaling;

/// <summary>The HPA reimplementation against the behaviour documented at
/// kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ ("Algorithm details", "Configurable scaling behavior").</summary>
public sealed class HpaControllerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly HpaOptions Defaults = new();

    private static HpaInput Input(int current, double perPod, double target = 100, int min = 1, int max = 100, int? ready = null) =>
        new(T0, current, ready ?? current, perPod * (ready ?? current), target, min, max);

    [Fact]
    public void Sync_DesiredIsCeilOfRatioTimesCurrent()
    {
        // Documented example: current metric 200m, target 100m -> double the replicas.
        Assert.Equal(2, HpaController.Sync(Input(1, 200), HpaState.Empty, Defaults).ToReplicas);

        // 3 pods at 150 vs 100: ceil(1.5 x 3) = 5 (within the +4 / +100 % limit).
        Assert.Equal(5, HpaController.Sync(Input(3, 150), HpaState.Empty, Defaults).ToReplicas);
    }

    [Theory]
    [InlineData(109, 10)] // ratio 1.09: |1 - ratio| <= 0.1, no change
    [InlineData(91, 10)]
    [InlineData(111, 12)] // ceil(1.11 x 10) = 12
    public void Sync_ToleranceSkipsSmallChanges(double perPod, int expected)
    {
        Assert.Equal(expected, HpaController.Sync(Input(10, perPod), HpaState.Empty, Defaults).ToReplicas);
    }

    [Fact]
    public void Sync_ScaleUpLimitedToMaxOfFourPodsAndDoubling()
    {
        // 2 pods at 10x the target want 20: +4 pods (6) beats +100 % (4).
        Assert.Equal(6, HpaController.Sync(Input(2, 1000), HpaState.Empty, Defaults).ToReplicas);

        // 10 pods at 10x want 100: +100 % (20) beats +4 (14).
        Assert.Equal(20, HpaController.Sync(Input(10, 1000), HpaState.Empty, Defaults).ToReplicas);
    }

    [Fact]
    public void Sync_ScaleUpLimitCountsEventsOfCurrentPeriod()
    {
        var first = HpaController.Sync(Input(2, 1000), HpaState.Empty, Defaults); // 2 -> 6
        Assert.Equal(6, first.ToReplicas);

        // 10 s later (same 15 s period): the period started at 2, so the limit is still 6.
        var again = HpaController.Sync(Input(6, 1000, ready: 2) with { Now = T0.AddSeconds(10) }, first.Next, Defaults);
        Assert.Equal(6, again.ToReplicas);

        // 15 s later the period has moved on: 6 -> max(10, 12) = 12.
        var next = HpaController.Sync(new HpaInput(T0.AddSeconds(15), 6, 6, 6000, 100, 1, 100), first.Next, Defaults);
        Assert.Equal(12, next.ToReplicas);
    }

    [Fact]
    public void Sync_ScaleDownKeepsHighestRecommendationOf300Seconds()
    {
        var state = HpaState.Empty;

        // t = 0: 10 pods at target -> recommendation 10 (tolerance).
        var d = HpaController.Sync(Input(10, 100), state, Defaults);
        Assert.Equal(10, d.ToReplicas);

        // t = 60 .. 299: load halves -> recommendation 5, but 10 is within the window.
        var s = d.Next;
        for (var t = 60; t < 300; t += 60)
        {
            d = HpaController.Sync(new HpaInput(T0.AddSeconds(t), 10, 10, 500, 100, 1, 100), s, Defaults);
            Assert.Equal(10, d.ToReplicas);
            s = d.Next;
        }

        // t = 301: the 10 at t = 0 has left the window; the highest left is 5.
        d = HpaController.Sync(new HpaInput(T0.AddSeconds(301), 10, 10, 500, 100, 1, 100), s, Defaults);
        Assert.Equal(5, d.ToReplicas);
    }

    [Fact]
    public void Sync_MissingPodsCountAsZeroOnScaleUp()
    {
        // 4 pods, 2 ready at 150 each (sum 300), 2 starting: new ratio 300 / 4 / 100 = 0.75 reverses direction: hold.
        Assert.Equal(4, HpaController.Sync(Input(4, 150, ready: 2), HpaState.Empty, Defaults).ToReplicas);

        // 2 ready at 400 each (sum 800): new ratio 2.0 -> ceil(2 x 4) = 8.
        Assert.Equal(8, HpaController.Sync(Input(4, 400, ready: 2), HpaState.Empty, Defaults).ToReplicas);
    }

    [Fact]
    public void Sync_MissingPodsCountAsTargetOnScaleDown()
    {
        // 4 pods, 2 ready at 20 (sum 40): ratio 0.2; missing at target: (40 + 200) / 4 / 100 = 0.6 -> ceil(2.4) = 3.
        Assert.Equal(3, HpaController.Sync(Input(4, 20, ready: 2), HpaState.Empty, Defaults).MetricRecommendation);
    }

    [Fact]
    public void Sync_RespectsMinAndMax()
    {
        Assert.Equal(8, HpaController.Sync(Input(6, 1000, max: 8), HpaState.Empty, Defaults).ToReplicas);
        // A new HPA seeds its scale-down window with the current count (Kubernetes' maybeInitScaleDownStabilizationWindow):
        // the first sync holds 10; once the window has passed the minimum of 3 binds.
        var fresh = HpaController.Sync(Input(10, 1, min: 3), HpaState.Empty, Defaults);
        Assert.Equal(10, fresh.ToReplicas);
        Assert.Equal(3, HpaController.Sync(Input(10, 1, min: 3) with { Now = T0.AddSeconds(301) }, fresh.Next, Defaults).ToReplicas);
        Assert.Equal(8, HpaController.Sync(Input(12, 100, max: 8), HpaState.Empty, Defaults).ToReplicas);
    }

    [Fact]
    public void Sync_DisabledAtZeroReplicas()
    {
        Assert.Equal(0, HpaController.Sync(new HpaInput(T0, 0, 0, 0, 100, 1, 10), HpaState.Empty, Defaults).ToReplicas);
    }

    [Fact]
    public void Sync_ForgetsRecommendationsOlderThanWindow()
    {
        var state = new HpaState(ImmutableList.Create(new Recommendation(T0.AddSeconds(-301), 50)), [], []);
        var d = HpaController.Sync(Input(10, 50), state, Defaults);
        Assert.Equal(5, d.ToReplicas);
        Assert.Single(d.Next.Recommendations);
    }
}
