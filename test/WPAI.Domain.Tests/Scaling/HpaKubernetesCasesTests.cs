using System.Collections.Immutable;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Tests.Scaling;

/// <summary>
/// Kubernetes' own HPA table tests (kubernetes/kubernetes pkg/controller/podautoscaler, replica_calculator_test.go and
/// horizontal_test.go), rewritten in C# on <see cref="HpaController"/>; each case names its Go test (and sub-case).
/// Metric levels are Kubernetes' milli-values (20000 = 20 QPS). Cases the model cannot express (CPU requests and
/// readiness of hot-CPU pods, object and external metrics, container metrics) are left out; README "Autoscaling"
/// lists what is covered.
/// </summary>
public sealed class HpaKubernetesCasesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ImmutableList<ScaleEvent> Empty = [];

    private static HpaOptions Up(HpaScalingRules? up = null, HpaScalingRules? down = null) =>
        new() { ScaleUp = up ?? HpaScalingRules.DefaultScaleUp, ScaleDown = down ?? HpaScalingRules.DefaultScaleDown };

    /// <summary>horizontal_test.go generateScalingRules: a Pods and/or a Percent policy, Max select; none given: the defaults.</summary>
    private static HpaScalingRules? Rules(int pods, int podsPeriod, int percent, int percentPeriod, int stabilization, bool up)
    {
        var policies = ImmutableArray.CreateBuilder<HpaScalingPolicy>();
        if (pods != 0)
        {
            policies.Add(new HpaScalingPolicy(HpaPolicyType.Pods, pods, TimeSpan.FromSeconds(podsPeriod)));
        }

        if (percent != 0)
        {
            policies.Add(new HpaScalingPolicy(HpaPolicyType.Percent, percent, TimeSpan.FromSeconds(percentPeriod)));
        }

        var defaults = up ? HpaScalingRules.DefaultScaleUp : HpaScalingRules.DefaultScaleDown;
        return new HpaScalingRules(TimeSpan.FromSeconds(stabilization), HpaSelectPolicy.Max, policies.Count > 0 ? policies.ToImmutable() : defaults.Policies);
    }

    /// <summary>horizontal_test.go generateEventsUniformDistribution: events spread over the last <paramref name="periodSeconds"/>, each in the middle of its segment.</summary>
    private static ImmutableList<ScaleEvent> Events(int periodSeconds, params int[] changes)
    {
        var segment = (double)periodSeconds / changes.Length;
        return [.. changes.Select((c, i) => new ScaleEvent(Now.AddSeconds(-(periodSeconds - (segment * (i + 1)) + (segment / 2))), c))];
    }

    // ---- replica_calculator_test.go: Pods metrics (levels per pod in milli-units, target average value) ----

    [Theory]
    [InlineData("TestReplicaCalcScaleUpCM", 3, new long[] { 20000, 10000, 30000 }, 15000, 4)]
    [InlineData("TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale", 3, new long[] { 50000, 10000, 30000 }, 15000, 6)] // readiness does not matter for a Pods metric
    [InlineData("TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown", 3, new long[] { 50000, 15000, 30000 }, 15000, 7)]
    [InlineData("TestReplicaCalcScaleDownCM", 5, new long[] { 12000, 12000, 12000, 12000, 12000 }, 20000, 3)]
    [InlineData("TestReplicaCalcToleranceCM", 3, new long[] { 20000, 21000, 21000 }, 20000, 3)]
    [InlineData("TestPlainMetricReplicaCalcMissingMetricsNoChangeEq", 5, new long[] { 20000, 19000, 21000 }, 20000, 5)]
    public void PlainMetricReplicas_MatchesKubernetes(string goTest, int current, long[] levels, long targetMilli, int expected)
    {
        var input = new HpaInput(Now, current, levels.Length, levels.Sum() / 1000.0, targetMilli / 1000.0, 1, 100);
        Assert.True(expected == HpaController.PlainMetricReplicas(input, 0.1), goTest);
    }

    [Fact]
    public void PlainMetricReplicas_AveragesInIntegerMilliUnits_AsKubernetes()
    {
        // GetMetricUtilizationRatio: 10001 milli over 3 pods averages to 3333, not 3333.67: ratio 3333/3030 = 1.10000,
        // inside the band; the double average 1.10022 would be outside it and scale up.
        Assert.Equal(3, HpaController.PlainMetricReplicas(new HpaInput(Now, 3, 3, 10.001, 3.030, 1, 100), 0.1));
    }

    [Fact]
    public void PlainMetricReplicas_ToleranceBoundary_IsKubernetesIsWithin()
    {
        // Tolerances.isWithin: 1 − t <= ratio <= 1 + t. A ratio of exactly 1.1 holds (|1 − 1.1| = 0.10000000000000009 > 0.1 would not).
        Assert.Equal(10, HpaController.PlainMetricReplicas(new HpaInput(Now, 10, 10, 1100, 100, 1, 100), 0.1));
        Assert.Equal(10, HpaController.PlainMetricReplicas(new HpaInput(Now, 10, 10, 900, 100, 1, 100), 0.1));
    }

    [Fact]
    public void PlainMetricReplicas_PendingPodsAreLeftOutOnAScaleDown_MissingOnesCountAsTarget()
    {
        // 4 pods, 2 with 20 QPS each, target 100. Pending (unready): left out, ratio 0.2 -> ceil(0.2 x 2) = 1.
        Assert.Equal(1, HpaController.PlainMetricReplicas(new HpaInput(Now, 4, 2, 40, 100, 1, 100, UnreadyReplicas: 2), 0.1));

        // Running without metrics (missing): at the target, (40 + 200) / 4 = 0.6 -> 3.
        Assert.Equal(3, HpaController.PlainMetricReplicas(new HpaInput(Now, 4, 2, 40, 100, 1, 100), 0.1));

        // Pending on a scale-up: count as 0. 2 pods at 400 with 2 pending: 800 / 4 = 2.0 -> 8.
        Assert.Equal(8, HpaController.PlainMetricReplicas(new HpaInput(Now, 4, 2, 800, 100, 1, 100, UnreadyReplicas: 2), 0.1));
    }

    // ---- horizontal_test.go TestScalingWithRules (convertDesiredReplicasWithBehaviorRate) ----

    public static IEnumerable<object?[]> ScalingWithRulesCases() =>
    [
        ["prenormalized desired replicas within range", 5, 7, 3, 8, null, null, Empty, Empty, 7, "DesiredWithinRange"],
        ["prenormalized desired replicas < minReplicas", 3, 1, 2, 8, null, null, Empty, Empty, 2, "TooFewReplicas"],
        ["prenormalized desired replicas within range when minReplicas is 0", 1, 0, 0, 10, null, null, Empty, Empty, 0, "DesiredWithinRange"],
        ["maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, null, null, Empty, Empty, 10, "TooManyReplicas"],
        ["desired replica count is more than the maximum replica count", 100, 1000, 100, 150, null, null, Empty, Empty, 150, "TooManyReplicas"],
        ["scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", 3, 1000, 1, 2000, Rules(0, 0, 1, 60, 0, true), null, Empty, Empty, 4, "ScaleUpLimit"],
        ["scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies", 1000, 3, 3, 2000, null, Rules(20, 60, 0, 0, 0, false), Empty, Empty, 980, "ScaleDownLimit"],
        ["scaleUp with default behavior", 10, 50, 1, 1000, null, null, Empty, Empty, 20, "ScaleUpLimit"],
        ["scaleUp with pods policy larger than percent policy", 10, 500, 1, 1000, Rules(100, 60, 100, 60, 0, true), null, Empty, Empty, 110, "ScaleUpLimit"],
        ["scaleUp with percent policy larger than pods policy", 10, 500, 1, 1000, Rules(2, 60, 100, 60, 0, true), null, Empty, Empty, 20, "ScaleUpLimit"],
        ["scaleUp with spec MaxReplicas limitation with large pod policy", 10, 50, 1, 1000, Rules(100, 60, 0, 0, 0, true), null, Empty, Empty, 50, "DesiredWithinRange"],
        ["scaleUp with spec MaxReplicas limitation with large percent policy", 10, 50, 1, 1000, Rules(10000, 60, 0, 0, 0, true), null, Empty, Empty, 50, "DesiredWithinRange"],
        ["scaleUp with pod policy limitation", 10, 50, 1, 1000, Rules(30, 60, 0, 0, 0, true), null, Empty, Empty, 40, "ScaleUpLimit"],
        ["scaleUp with percent policy limitation", 10, 50, 1, 1000, Rules(0, 0, 200, 60, 0, true), null, Empty, Empty, 30, "ScaleUpLimit"],
        ["scaleDown with percent policy larger than pod policy", 100, 2, 1, 1000, null, Rules(20, 60, 1, 60, 300, false), Empty, Empty, 80, "ScaleDownLimit"],
        ["scaleDown with pod policy larger than percent policy", 100, 2, 1, 1000, null, Rules(2, 60, 1, 60, 300, false), Empty, Empty, 98, "ScaleDownLimit"],
        ["scaleDown with spec MinReplicas=nil limitation with large pod policy", 10, 0, 1, 1000, null, Rules(100, 60, 0, 0, 300, false), Empty, Empty, 1, "TooFewReplicas"],
        ["scaleDown with spec MinReplicas limitation with large percent policy", 10, 2, 5, 1000, null, Rules(0, 0, 100, 60, 300, false), Empty, Empty, 5, "TooFewReplicas"],
        ["scaleDown with pod policy limitation", 10, 2, 1, 1000, null, Rules(5, 60, 0, 0, 300, false), Empty, Empty, 5, "ScaleDownLimit"],
        ["scaleDown with percent policy limitation", 10, 5, 1, 1000, null, Rules(0, 0, 50, 60, 300, false), Empty, Empty, 5, "DesiredWithinRange"],
        ["scaleUp with spec MaxReplicas limitation with large pod policy and events", 100, 500, 1, 200, Rules(300, 60, 0, 0, 0, true), null, Events(120, 1, 5, 9), Empty, 200, "TooManyReplicas"],
        ["scaleUp with spec MaxReplicas limitation with large percent policy and events", 100, 500, 1, 200, Rules(0, 0, 10000, 60, 0, true), null, Events(120, 1, 5, 9), Empty, 200, "TooManyReplicas"],
        ["scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events", 100, 500, 1, 1000, Rules(5, 120, 0, 0, 0, true), null, Events(120, 1, 5, 9), Empty, 100, "ScaleUpLimit"],
        ["scaleUp with pod policy and previous scale up events", 100, 500, 1, 1000, Rules(150, 120, 0, 0, 0, true), null, Events(120, 1, 5, 9), Empty, 235, "ScaleUpLimit"],
        ["scaleUp with percent policy and previous scale up events", 100, 500, 1, 1000, Rules(0, 0, 200, 120, 0, true), null, Events(120, 1, 5, 9), Empty, 255, "ScaleUpLimit"],
        ["scaleUp with percent policy and previous scale up and down events", 6, 24, 1, 1000, Rules(0, 0, 300, 300, 0, true), null, Events(120, 4), Events(120, 2), 16, "ScaleUpLimit"],
        ["scaleDown with default policy and previous events", 10, 5, 1, 1000, null, null, Empty, Events(120, 1, 5, 9), 5, "DesiredWithinRange"],
        ["scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", 100, 0, 1, 1000, null, Rules(115, 120, 0, 0, 300, false), Empty, Events(120, 1, 5, 9), 1, "TooFewReplicas"],
        ["scaleDown with spec MinReplicas limitation with large pod policy and previous events", 100, 0, 5, 1000, null, Rules(130, 120, 0, 0, 300, false), Empty, Events(120, 1, 5, 9), 5, "TooFewReplicas"],
        ["scaleDown with spec MinReplicas limitation with large percent policy and previous events", 100, 2, 5, 1000, null, Rules(0, 0, 100, 120, 300, false), Empty, Events(120, 1, 5, 9), 5, "TooFewReplicas"],
        ["scaleDown with pod policy limitation and previous events", 100, 2, 1, 1000, null, Rules(5, 120, 0, 0, 300, false), Empty, Events(120, 1, 5, 9), 100, "ScaleDownLimit"],
        ["scaleDown with percent policy limitation and previous events", 100, 0, 1, 1000, null, Rules(0, 0, 50, 120, 300, false), Empty, Events(120, 2, 4, 6), 56, "ScaleDownLimit"],
        ["scaleDown with percent policy and previous scale up and down events", 10, 1, 1, 1000, null, Rules(0, 0, 50, 180, 0, false), Events(120, 2), Events(120, 4), 6, "ScaleDownLimit"],
        ["scaleDown with previous events preventing further scale down", 100, 0, 1, 1000, null, Rules(0, 0, 10, 120, 300, false), Empty, Events(120, 10, 10, 10), 100, "ScaleDownLimit"],
        ["scaleDown with with previous events still allowing more scale down", 10, 5, 1, 1000, null, Rules(0, 0, 1000, 120, 300, false), Empty, Events(120, 10, 10, 10), 5, "DesiredWithinRange"],
        ["check 'outdated' flag for events for one behavior for up", 100, 200, 1, 1000, Rules(1000, 60, 0, 0, 0, true), null, Events(120, 8, 12, 9, 11), Empty, 200, "DesiredWithinRange"],
        ["check that events were not marked 'outdated' for two different policies in the behavior for up", 100, 200, 1, 1000, Rules(1000, 120, 100, 60, 0, true), null, Events(120, 8, 12, 9, 11), Empty, 200, "DesiredWithinRange"],
        ["check that events were marked 'outdated' for two different policies in the behavior for up", 100, 200, 1, 1000, Rules(1000, 30, 100, 60, 0, true), null, Events(120, 8, 12, 9, 11), Empty, 200, "DesiredWithinRange"],
        ["check 'outdated' flag for events for one behavior for down", 100, 5, 1, 1000, null, Rules(1000, 60, 0, 0, 300, false), Empty, Events(120, 8, 12, 9, 11), 5, "DesiredWithinRange"],
        ["check that events were not marked 'outdated' for two different policies in the behavior for down", 100, 5, 1, 1000, null, Rules(1000, 120, 100, 60, 300, false), Empty, Events(120, 8, 12, 9, 11), 5, "DesiredWithinRange"],
        ["check that events were marked 'outdated' for two different policies in the behavior for down", 100, 5, 1, 1000, null, Rules(1000, 30, 100, 60, 300, false), Empty, Events(120, 8, 12, 9, 11), 5, "DesiredWithinRange"],
    ];

    [Theory]
    [MemberData(nameof(ScalingWithRulesCases))]
    public void LimitRate_TestScalingWithRules(
        string goCase, int current, int desired, int min, int max, HpaScalingRules? up, HpaScalingRules? down, ImmutableList<ScaleEvent> upEvents, ImmutableList<ScaleEvent> downEvents, int expected, string condition)
    {
        var (replicas, got) = HpaController.LimitRate(Now, current, desired, min, max, upEvents, downEvents, Up(up, down));
        Assert.True((expected, condition) == (replicas, got), $"{goCase}: expected {expected} {condition}, got {replicas} {got}");
    }

    [Fact]
    public void ScaleLimits_SelectPolicyMinAndDisabled()
    {
        // horizontal_test.go TestCalculateScaleUpLimitWithScalingRules / TestCalculateScaleDownLimitWithBehaviors (Min select):
        // the smallest change wins: up from 5 with +2 pods or +50 % -> 7 (not 8); down from 5 with -2 pods or -50 % -> 3.
        var min = new HpaScalingRules(TimeSpan.FromSeconds(300), HpaSelectPolicy.Min,
            [new(HpaPolicyType.Pods, 2, TimeSpan.FromSeconds(60)), new(HpaPolicyType.Percent, 50, TimeSpan.FromSeconds(60))]);
        Assert.Equal(7, HpaController.ScaleUpLimit(Now, 5, [], [], min));
        Assert.Equal(3, HpaController.ScaleDownLimit(Now, 5, [], [], min));
        var disabled = min with { Select = HpaSelectPolicy.Disabled };
        Assert.Equal(5, HpaController.ScaleUpLimit(Now, 5, [], [], disabled));
        Assert.Equal(5, HpaController.ScaleDownLimit(Now, 5, [], [], disabled));
    }

    // ---- horizontal_test.go TestNormalizeDesiredReplicasWithBehavior (stabilizeRecommendationWithBehaviors) ----

    [Theory]
    [InlineData("empty recommendations for scaling down", new int[0], new int[0], 100, 5, 0, 0, 5)]
    [InlineData("simple scale down stabilization", new[] { 4, 5 }, new[] { -120, -60 }, 100, 3, 0, 180, 5)]
    [InlineData("simple scale up stabilization", new[] { 4, 5 }, new[] { -120, -60 }, 1, 7, 300, 0, 4)]
    [InlineData("no scale down stabilization", new[] { 1, 2 }, new[] { -120, -60 }, 100, 3, 300, 0, 3)]
    [InlineData("no scale up stabilization", new[] { 4, 5 }, new[] { -120, -60 }, 1, 3, 0, 300, 3)]
    [InlineData("no scale down stabilization, reuse recommendation element", new[] { 10, 9 }, new[] { -600, -540 }, 100, 3, 0, 0, 3)]
    [InlineData("no scale up stabilization, reuse recommendation element", new[] { 10, 9 }, new[] { -600, -540 }, 1, 100, 0, 0, 100)]
    [InlineData("scale down stabilization, reuse one of obsolete recommendation element", new[] { 10, 4, 5, 9 }, new[] { -600, -60, -120, -540 }, 100, 3, 0, 180, 5)]
    [InlineData("scale up stabilization, reuse one of obsolete recommendation element", new[] { 10, 6, 5, 9 }, new[] { -6000, -60, -120, -180 }, 1, 100, 300, 0, 5)]
    [InlineData("scale up and down stabilization, do not scale up when prenormalized rec goes down", new[] { 2, 3 }, new[] { -6000, -180 }, 2, 1, 300, 300, 2)]
    [InlineData("scale up and down stabilization, do not scale down when prenormalized rec goes up", new[] { 2, 1 }, new[] { -6000, -180 }, 2, 3, 300, 300, 2)]
    public void Stabilize_TestNormalizeDesiredReplicasWithBehavior(string goCase, int[] recs, int[] agoSeconds, int current, int desired, int upWindow, int downWindow, int expected)
    {
        var options = new HpaOptions
        {
            ScaleUp = HpaScalingRules.DefaultScaleUp with { Stabilization = TimeSpan.FromSeconds(upWindow) },
            ScaleDown = HpaScalingRules.DefaultScaleDown with { Stabilization = TimeSpan.FromSeconds(downWindow) },
        };
        var recommendations = recs.Select((r, i) => new Recommendation(Now.AddSeconds(agoSeconds[i]), r)).ToImmutableList();
        var (replicas, kept) = HpaController.Stabilize(Now, current, desired, recommendations, options);
        Assert.True(expected == replicas, goCase);
        Assert.Equal(desired, kept[^1].Replicas); // this recommendation is kept; Kubernetes reuses one obsolete slot, here obsolete ones go
        Assert.All(kept.Take(kept.Count - 1), r => Assert.True(r.At > Now - TimeSpan.FromSeconds(Math.Max(upWindow, downWindow))));
    }

    // ---- horizontal_test.go TestScaleDownStabilizeInitialSize and the min/max path of reconcileAutoscaler ----

    [Fact]
    public void Sync_TestScaleDownStabilizeInitialSize_ANewHpaDoesNotScaleDownWithinItsWindow()
    {
        // 5 replicas well below target (recommendation 1): the first sync seeds the window with 5 and holds.
        var first = HpaController.Sync(new HpaInput(Now, 5, 5, 50, 100, 1, 10), HpaState.Empty, new HpaOptions());
        Assert.Equal(5, first.ToReplicas);
        Assert.Equal(1, first.MetricRecommendation);
        var later = HpaController.Sync(new HpaInput(Now.AddSeconds(301), 5, 5, 50, 100, 1, 10), first.Next, new HpaOptions());
        Assert.Equal(1, later.ToReplicas);
    }

    [Fact]
    public void Sync_CountOutsideTheBounds_GoesStraightToTheBound_WithoutStabilizationOrRateLimit()
    {
        // reconcileAutoscaler: above max -> max at once, even with a window full of higher recommendations.
        var state = new HpaState([new Recommendation(Now.AddSeconds(-10), 50)], [], [], Seeded: true);
        Assert.Equal(8, HpaController.Sync(new HpaInput(Now, 20, 20, 20_000, 100, 1, 8), state, new HpaOptions()).ToReplicas);

        // far below min -> min at once, not +4 / +100 % per period.
        Assert.Equal(30, HpaController.Sync(new HpaInput(Now, 2, 2, 0, 100, 30, 40), HpaState.Empty, new HpaOptions()).ToReplicas);
    }

    [Fact]
    public void PlainMetricReplicas_CeilingHasNoEpsilon_AsKubernetes()
    {
        // 25 pods at 2.2 vs target 1: 2.2 x 25 = 55.00000000000001 in floating point; math.Ceil gives 56.
        Assert.Equal(56, HpaController.PlainMetricReplicas(new HpaInput(Now, 25, 25, 55, 1, 1, 100), 0.1));
    }
}
