using System.Globalization;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Inference;

/// <summary>
/// The scaling rule of one service, chosen by <see cref="AutoscalerKind"/>: WPAI's <see cref="ScalingPolicy"/>
/// (with or without the forecast), the HPA's calculation (whose controller state it keeps in memory, as the HPA
/// controller does), or a fixed count. Pure: time, metrics and the forecast come in as arguments.
/// </summary>
public sealed class ServiceAutoscaler(AutoscalerKind kind, TimeSpan? scaleDownStabilization = null, ProvisioningOptions? provisioning = null)
{
    private readonly ScalingOptions _predictive = new() { ScaleDownStabilization = scaleDownStabilization ?? new ScalingOptions().ScaleDownStabilization };
    private readonly ScalingOptions _reactive = new() { UseForecast = false, ScaleDownStabilization = scaleDownStabilization ?? new ScalingOptions().ScaleDownStabilization };
    private static readonly HpaOptions Hpa = new();
    private readonly ProvisioningOptions _provisioning = provisioning ?? ProvisioningOptions.None;
    private static readonly KpaOptions Kpa = new();
    private HpaState _hpa = HpaState.Empty;
    private KpaState? _kpa;
    private DateTimeOffset? _panicUntil;

    public AutoscalerKind Kind => kind;

    /// <summary>Whether this rule uses a forecast (and so a trained forecaster).</summary>
    public bool UsesForecast => kind == AutoscalerKind.Predictive;

    /// <summary>
    /// One evaluation at <paramref name="current"/> desired replicas, <paramref name="placed"/> placed, of which
    /// <paramref name="ready"/> serve; returns the decision and the stabilization window to keep (unchanged for HPA and
    /// fixed). A manual override holds until <paramref name="manualUntil"/>; without metrics it holds.
    /// <paramref name="reactiveBecause"/> says why a predictive rule has no forecaster.
    /// </summary>
    public (ScalingDecisionView View, ImmutableList<Recommendation> Recent) Decide(
        DateTimeOffset now, DateTimeOffset? manualUntil, InferenceServiceSpec spec, int current, int placed, int ready, MetricWindow window, LoadOutlook? outlook, string? reactiveBecause, ImmutableList<Recommendation> recent)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(window);
        if (manualUntil is { } until && now < until)
        {
            return (ScalingDecisionView.WithoutMetric(now, placed, current, nameof(ScalingDecisionKind.Manual), $"manual override holds until {until:O}"), recent);
        }

        if (window.IsEmpty)
        {
            return (ScalingDecisionView.WithoutMetric(now, placed, current, nameof(ScalingDecisionKind.Hold), "no metrics in the window"), recent);
        }

        switch (kind)
        {
            case AutoscalerKind.Fixed:
                return (ScalingDecisionView.WithoutMetric(now, current, current, nameof(ScalingDecisionKind.Hold), "fixed replica count: this service does not autoscale"), recent);
            case AutoscalerKind.Hpa:
                {
                    var target = InferenceServiceSpecs.QpsTarget(spec);
                    var d = HpaController.Sync(new HpaInput(now, current, ready, ready == 0 ? 0 : window.MeanQps, target, spec.MinReplicas, spec.MaxReplicas), _hpa, Hpa);
                    _hpa = d.Next;
                    var perPod = window.MeanQps / Math.Max(ready, 1);
                    return (new ScalingDecisionView(now, d.FromReplicas, d.ToReplicas, Direction(d.FromReplicas, d.ToReplicas).ToString(), ScalingMetric.QpsPerReplica, perPod, null, target, string.Create(CultureInfo.InvariantCulture, $"hpa: {d.Reason}")), recent);
                }

            case AutoscalerKind.Kpa:
                {
                    var target = InferenceServiceSpecs.QpsTarget(spec);
                    var d = Knative(now, ready, window, target);
                    var to = Math.Clamp(d.DesiredPods, spec.MinReplicas, spec.MaxReplicas);
                    return (new ScalingDecisionView(now, current, to, Direction(current, to).ToString(), ScalingMetric.QpsPerReplica, window.MeanQps / Math.Max(ready, 1), null, target,
                        to == d.DesiredPods ? $"kpa: {d.Reason}" : string.Create(CultureInfo.InvariantCulture, $"kpa: {d.Reason}; {d.DesiredPods} clamped to {to}")), recent);
                }

            default:
                return Provision(now, spec, current, ready, window, outlook, reactiveBecause, recent);
        }
    }

    /// <summary>
    /// WPAI's rule on max(observed, forecast peak × uplift), with the mechanisms of <see cref="ProvisioningOptions"/>:
    /// the burst detector, the valley scale-down and the cost-aware scale-in.
    /// </summary>
    private (ScalingDecisionView View, ImmutableList<Recommendation> Recent) Provision(
        DateTimeOffset now, InferenceServiceSpec spec, int current, int ready, MetricWindow window, LoadOutlook? outlook, string? reactiveBecause, ImmutableList<Recommendation> recent)
    {
        var p = kind == AutoscalerKind.Predictive ? _provisioning : ProvisioningOptions.None;
        if (p.KpaReactive)
        {
            return (Reactively(ProvisionOnKpa(now, spec, current, ready, window, outlook, p), reactiveBecause), recent);
        }

        var n = Math.Max(current, 1);
        var target = ForecastTarget(spec, outlook, p);
        var latest = window.Latest!.TotalQps;
        if (p.BurstDetector && latest / target / Math.Max(ready, 1) >= p.PanicThreshold)
        {
            _panicUntil = now + p.PanicHold;
        }

        var panicking = p.BurstDetector && _panicUntil is { } until && now < until;
        var observed = panicking ? Math.Max(window.MeanQps, latest) : (double?)null;
        var options = outlook is null ? _reactive : p.ValleyScaleDown ? _predictive with { ScaleDownStabilization = TimeSpan.Zero } : _predictive;
        var input = new ScalingInput(now, current, spec.MinReplicas, spec.MaxReplicas, window.Signals(spec, n, outlook?.Peak, observed, target), recent);
        var decision = ScalingPolicy.Decide(input, options);
        var view = decision.ToView();
        if (view.ToReplicas < current && panicking)
        {
            view = view with { ToReplicas = current, Kind = nameof(ScalingDecisionKind.Stabilized), Reason = $"{view.Reason}; burst: no scale-down until {_panicUntil:O}" };
        }
        else if (view.ToReplicas < current && p.CostAwareScaleIn && outlook is { } o && NeededBack(o, view.ToReplicas, target, p.StartupSteps))
        {
            view = view with { ToReplicas = current, Kind = nameof(ScalingDecisionKind.Stabilized), Reason = $"{view.Reason}; kept: the forecast needs the capacity back within a start-up" };
        }
        else if (panicking)
        {
            view = view with { Reason = string.Create(CultureInfo.InvariantCulture, $"{view.Reason} (burst: newest report {latest:0.#} QPS)") };
        }

        return (Reactively(view, reactiveBecause), decision.Recent);
    }

    /// <summary>
    /// <see cref="ProvisioningOptions.KpaReactive"/>: the larger of Knative's decision on QPS (its stable value read
    /// <see cref="ProvisioningOptions.TrendLookAhead"/> ahead on the window's trend when set; at
    /// <see cref="ProvisioningOptions.ReactiveUtilization"/> while a forecast or the trend is used), the forecast peak at the
    /// forecast's target and any expansion the other metrics ask; a scale-in the forecast would need back within a
    /// start-up is held (<see cref="ProvisioningOptions.CostAwareScaleIn"/>).
    /// </summary>
    private ScalingDecisionView ProvisionOnKpa(
        DateTimeOffset now, InferenceServiceSpec spec, int current, int ready, MetricWindow window, LoadOutlook? outlook, ProvisioningOptions p)
    {
        var target = (outlook is not null || p.TrendLookAhead is not null) && p.ReactiveUtilization is { } r ? spec.CapacityQps * r : InferenceServiceSpecs.QpsTarget(spec);
        var mean = window.MeanQps;
        var stable = p.TrendLookAhead is { } ahead ? Math.Max(mean, window.TrendQps(now + ahead)) : mean;
        var d = Knative(now, ready, window, target, stable);
        var forecastTarget = ForecastTarget(spec, outlook, p);
        var proactive = outlook is { } o ? ScalingPolicy.Ceil(o.Peak / forecastTarget) : 0;
        var others = OtherMetricsExpand(now, spec, current, window);
        var to = Math.Clamp(Math.Max(Math.Max(d.DesiredPods, proactive), others), spec.MinReplicas, spec.MaxReplicas);
        var reason = string.Create(CultureInfo.InvariantCulture, $"kpa: {d.Reason}")
            + (p.TrendLookAhead is { } t ? string.Create(CultureInfo.InvariantCulture, $" (stable: the larger of the mean {mean:0.###} and the trend {t.TotalSeconds:0} s ahead)") : string.Empty)
            + (outlook is { } f ? string.Create(CultureInfo.InvariantCulture, $"; forecast peak {f.Peak:0.###} / {forecastTarget:0.###} -> {proactive}") : string.Empty)
            + (others > 0 ? string.Create(CultureInfo.InvariantCulture, $"; other metrics ask {others}") : string.Empty);
        var decisionKind = Direction(current, to);
        if (to < current && p.CostAwareScaleIn && outlook is { } c && NeededBack(c, to, forecastTarget, p.StartupSteps))
        {
            (to, decisionKind, reason) = (current, ScalingDecisionKind.Stabilized, $"{reason}; kept {current}: the forecast needs the capacity back within a start-up");
        }

        var pods = Math.Max(ready, 1);
        return new ScalingDecisionView(now, current, to, decisionKind.ToString(), ScalingMetric.QpsPerReplica, mean / pods, outlook?.Peak / pods, target, reason);
    }

    /// <summary>
    /// Knative's decision on the window's mean (stable; <paramref name="stable"/> when given) and newest report (panic),
    /// keeping the decider's state.
    /// </summary>
    private KpaDecision Knative(DateTimeOffset now, int ready, MetricWindow window, double target, double? stable = null)
    {
        var d = KpaController.Scale(new KpaInput(now, ready, stable ?? window.MeanQps, window.Latest!.TotalQps, target), _kpa ??= KpaState.Start(ready, now), Kpa);
        _kpa = d.Next;
        return d;
    }

    /// <summary>The QPS per replica provisioned: the forecast utilization of capacity while a forecast is used, else the spec's target.</summary>
    private static double ForecastTarget(InferenceServiceSpec spec, LoadOutlook? outlook, ProvisioningOptions p) =>
        outlook is not null && p.ForecastUtilization is { } u ? spec.CapacityQps * u : InferenceServiceSpecs.QpsTarget(spec);

    private static ScalingDecisionKind Direction(int from, int to) =>
        to > from ? ScalingDecisionKind.Expand : to < from ? ScalingDecisionKind.Contract : ScalingDecisionKind.Hold;

    /// <summary>A predictive rule without a forecaster says why it decided reactively.</summary>
    private ScalingDecisionView Reactively(ScalingDecisionView view, string? reactiveBecause) =>
        UsesForecast && reactiveBecause is not null ? view with { Reason = $"{view.Reason} (reactive: {reactiveBecause})" } : view;

    /// <summary>The expansion the metrics other than QPS ask (a CPU/GPU/memory target exceeded, an SLO breached), or 0.</summary>
    private int OtherMetricsExpand(DateTimeOffset now, InferenceServiceSpec spec, int current, MetricWindow window)
    {
        var others = window.Signals(spec, Math.Max(current, 1), null).RemoveAll(s => s.Metric == ScalingMetric.QpsPerReplica);
        var decision = ScalingPolicy.Decide(new ScalingInput(now, current, spec.MinReplicas, spec.MaxReplicas, others, []), _reactive);
        return decision.ToReplicas > current ? decision.ToReplicas : 0;
    }

    /// <summary>True when the uplifted forecast over the start-up delay exceeds <paramref name="replicas"/> at target, or rises over the horizon.</summary>
    public static bool NeededBack(LoadOutlook outlook, int replicas, double target, int startupSteps)
    {
        ArgumentNullException.ThrowIfNull(outlook);
        var steps = Math.Clamp(startupSteps, 1, outlook.Path.Length);
        var peak = 0.0;
        for (var i = 0; i < steps; i++)
        {
            peak = Math.Max(peak, outlook.Path[i] * outlook.Uplift);
        }

        return peak > replicas * target || outlook.Path[^1] > outlook.Path[0];
    }
}
