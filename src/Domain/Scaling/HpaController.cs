using System.Globalization;

namespace WPAI.Domain.Scaling;

/// <summary>
/// A faithful, pure reimplementation of the Kubernetes HPA controller for one Pods metric with <c>spec.behavior</c>
/// (kubernetes/pkg/controller/podautoscaler: <c>calcPlainMetricReplicas</c>, <c>stabilizeRecommendationWithBehaviors</c>,
/// <c>convertDesiredReplicasWithBehaviorRate</c>, <c>maybeInitScaleDownStabilizationWindow</c>, <c>storeScaleEvent</c>).
/// A count outside [min, max] is brought back at once, without stabilization or rate limits; otherwise the metric's
/// recommendation (integer milli-value average, tolerance band, missing and unready pods as Kubernetes treats them) is
/// stabilized (clamped between the lowest recommendation of the scale-up window and the highest of the scale-down
/// window; the window is seeded with the current count on the first sync) and then limited by the direction's
/// policies (Max / Min / Disabled select) and the bounds. Tested against Kubernetes' own table tests
/// (<c>HpaKubernetesCasesTests</c>).
/// </summary>
public static class HpaController
{
    public static HpaDecision Sync(HpaInput input, HpaState state, HpaOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var current = input.CurrentReplicas;
        var now = input.Now;
        if (current == 0 && input.MinReplicas != 0)
        {
            return new HpaDecision(now, 0, 0, 0, "scaling is disabled at 0 replicas", state);
        }

        int desired;
        int metricDesired;
        string reason;
        var next = state;
        if (current > input.MaxReplicas || current < input.MinReplicas)
        {
            // reconcileAutoscaler: the bound is the desired count, with no stabilization and no rate limit.
            desired = metricDesired = current > input.MaxReplicas ? input.MaxReplicas : input.MinReplicas;
            reason = current > input.MaxReplicas ? "current replicas above max" : "current replicas below min";
        }
        else if (input.ReadyReplicas <= 0)
        {
            return new HpaDecision(now, current, current, current, "did not receive metrics for any ready pods", state);
        }
        else
        {
            metricDesired = PlainMetricReplicas(input, options.Tolerance);
            reason = string.Create(CultureInfo.InvariantCulture, $"metric {input.MetricSum / input.ReadyReplicas:0.###}/pod vs target {input.TargetPerPod:0.###} recommends {metricDesired}");
            var recommendations = state.Recommendations;
            if (!state.Seeded && options.ScaleDown.Stabilization > TimeSpan.Zero && recommendations.IsEmpty)
            {
                recommendations = [new Recommendation(now, current)]; // maybeInitScaleDownStabilizationWindow
            }

            var (stabilized, kept) = Stabilize(now, current, metricDesired, recommendations, options);
            if (stabilized != metricDesired)
            {
                reason += $"; stabilized to {stabilized}";
            }

            (desired, var condition) = LimitRate(now, current, stabilized, input.MinReplicas, input.MaxReplicas, state.ScaleUpEvents, state.ScaleDownEvents, options);
            if (desired != stabilized)
            {
                reason += $"; {condition} {desired}";
            }

            next = state with { Recommendations = kept, Seeded = true };
        }

        if (desired != current)
        {
            next = StoreScaleEvent(next, now, current, desired, options);
        }

        return new HpaDecision(now, current, desired, metricDesired, reason, next);
    }

    /// <summary>
    /// <c>calcPlainMetricReplicas</c>: the per-pod average is an integer milli-value; with missing pods (running, no
    /// metric) at a ratio below 1 they count as the target, above 1 as 0, at exactly 1 they are left out; unready
    /// (Pending) pods count as 0 on a scale-up and are left out otherwise; a change of direction or one within the
    /// tolerance keeps the current count.
    /// </summary>
    public static int PlainMetricReplicas(HpaInput input, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = input.CurrentReplicas;
        var ready = input.ReadyReplicas;
        if (ready <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(input), "did not receive metrics for any ready pods");
        }

        var target = Milli(input.TargetPerPod);
        var sum = Milli(input.MetricSum);
        var usageRatio = (double)(sum / ready) / target;
        var missing = input.MissingReplicas;
        var rebalanceIgnored = input.UnreadyReplicas > 0 && usageRatio > 1.0;
        if (!rebalanceIgnored && missing == 0)
        {
            return Within(usageRatio, tolerance) ? current : (int)Math.Ceiling(usageRatio * ready);
        }

        var count = ready;
        if (missing > 0 && usageRatio < 1.0)
        {
            sum += missing * target; // on a scale-down, missing pods use 100 % of the target
            count += missing;
        }
        else if (missing > 0 && usageRatio > 1.0)
        {
            count += missing; // on a scale-up, 0 %
        }

        if (rebalanceIgnored)
        {
            count += input.UnreadyReplicas; // unready pods count as 0 on a scale-up
        }

        var newRatio = (double)(sum / count) / target;
        if (Within(newRatio, tolerance) || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0))
        {
            return current;
        }

        var replicas = (int)Math.Ceiling(newRatio * count);
        return (newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current) ? current : replicas;
    }

    /// <summary>
    /// <c>stabilizeRecommendationWithBehaviors</c>: the current count clamped between the lowest recommendation of the
    /// scale-up window and the highest of the scale-down window (both with this one); returns it and the
    /// recommendations to keep (this one added, those older than both windows dropped).
    /// </summary>
    public static (int Replicas, ImmutableList<Recommendation> Kept) Stabilize(DateTimeOffset now, int current, int desired, ImmutableList<Recommendation> recommendations, HpaOptions options)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        ArgumentNullException.ThrowIfNull(options);
        var upCutoff = now - options.ScaleUp.Stabilization;
        var downCutoff = now - options.ScaleDown.Stabilization;
        var up = desired;
        var down = desired;
        foreach (var rec in recommendations)
        {
            if (rec.At > upCutoff)
            {
                up = Math.Min(up, rec.Replicas);
            }

            if (rec.At > downCutoff)
            {
                down = Math.Max(down, rec.Replicas);
            }
        }

        var obsolete = upCutoff < downCutoff ? upCutoff : downCutoff;
        var kept = recommendations.RemoveAll(r => r.At <= obsolete).Add(new Recommendation(now, desired));
        return (Math.Min(Math.Max(current, up), down), kept);
    }

    /// <summary>
    /// <c>convertDesiredReplicasWithBehaviorRate</c>: the count the direction's policies and the bounds allow, with the
    /// condition Kubernetes reports (<c>DesiredWithinRange</c>, <c>ScaleUpLimit</c>, <c>TooManyReplicas</c>,
    /// <c>ScaleDownLimit</c>, <c>TooFewReplicas</c>).
    /// </summary>
    public static (int Replicas, string Condition) LimitRate(
        DateTimeOffset now, int current, int desired, int min, int max, ImmutableList<ScaleEvent> upEvents, ImmutableList<ScaleEvent> downEvents, HpaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (desired > current)
        {
            var limit = Math.Max(ScaleUpLimit(now, current, upEvents, downEvents, options.ScaleUp), current);
            var (allowed, condition) = max > limit ? (limit, "ScaleUpLimit") : (max, "TooManyReplicas");
            return desired > allowed ? (allowed, condition) : (desired, "DesiredWithinRange");
        }

        if (desired < current)
        {
            var limit = Math.Min(ScaleDownLimit(now, current, upEvents, downEvents, options.ScaleDown), current);
            var (allowed, condition) = min < limit ? (limit, "ScaleDownLimit") : (min, "TooFewReplicas");
            return desired < allowed ? (allowed, condition) : (desired, "DesiredWithinRange");
        }

        return (desired, "DesiredWithinRange");
    }

    /// <summary><c>calculateScaleUpLimitWithScalingRules</c>.</summary>
    public static int ScaleUpLimit(DateTimeOffset now, int current, ImmutableList<ScaleEvent> upEvents, ImmutableList<ScaleEvent> downEvents, HpaScalingRules rules) =>
        Limit(now, current, upEvents, downEvents, rules, up: true);

    /// <summary><c>calculateScaleDownLimitWithBehaviors</c>.</summary>
    public static int ScaleDownLimit(DateTimeOffset now, int current, ImmutableList<ScaleEvent> upEvents, ImmutableList<ScaleEvent> downEvents, HpaScalingRules rules) =>
        Limit(now, current, upEvents, downEvents, rules, up: false);

    /// <summary>
    /// The count the policies of one direction allow from the count at each policy period's start: <c>Max</c> selects the
    /// biggest change (the highest count up, the lowest down), <c>Min</c> the smallest, <c>Disabled</c> none.
    /// </summary>
    private static int Limit(DateTimeOffset now, int current, ImmutableList<ScaleEvent> upEvents, ImmutableList<ScaleEvent> downEvents, HpaScalingRules rules, bool up)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Select == HpaSelectPolicy.Disabled)
        {
            return current;
        }

        var highest = up == (rules.Select == HpaSelectPolicy.Max);
        var result = highest ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies)
        {
            var start = current - ChangeInPeriod(now, policy.Period, upEvents) + ChangeInPeriod(now, policy.Period, downEvents);
            var proposed = (policy.Type, up) switch
            {
                (HpaPolicyType.Pods, true) => start + policy.Value,
                (HpaPolicyType.Pods, false) => start - policy.Value,
                (_, true) => (int)Math.Ceiling(start * (1 + (policy.Value / 100.0))), // rounded up so that a small percentage still adds a pod
                _ => (int)(start * (1 - (policy.Value / 100.0))),
            };
            result = highest ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    /// <summary><c>getReplicasChangePerPeriod</c>: the change of the events strictly after now − period.</summary>
    public static int ChangeInPeriod(DateTimeOffset now, TimeSpan period, IEnumerable<ScaleEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var cutoff = now - period;
        var sum = 0;
        foreach (var e in events)
        {
            if (e.At > cutoff)
            {
                sum += e.Change;
            }
        }

        return sum;
    }

    /// <summary><c>storeScaleEvent</c>: events older than the direction's longest policy period never count again and are dropped.</summary>
    private static HpaState StoreScaleEvent(HpaState state, DateTimeOffset now, int from, int to, HpaOptions options)
    {
        if (to > from)
        {
            var cutoff = now - options.ScaleUp.LongestPeriod;
            return state with { ScaleUpEvents = state.ScaleUpEvents.RemoveAll(e => e.At <= cutoff).Add(new ScaleEvent(now, to - from)) };
        }

        var downCutoff = now - options.ScaleDown.LongestPeriod;
        return state with { ScaleDownEvents = state.ScaleDownEvents.RemoveAll(e => e.At <= downCutoff).Add(new ScaleEvent(now, from - to)) };
    }

    /// <summary>Kubernetes' tolerance test: <c>1 − tolerance ≤ ratio ≤ 1 + tolerance</c>.</summary>
    private static bool Within(double ratio, double tolerance) => 1.0 - tolerance <= ratio && ratio <= 1.0 + tolerance;

    private static long Milli(double value) => (long)Math.Round(value * 1000, MidpointRounding.AwayFromZero);
}
