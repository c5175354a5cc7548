using System.Collections.Immutable;

namespace WPAI.Domain.Scaling;

/// <summary>
/// A faithful, pure reimplementation of the Kubernetes HPA controller's replica calculation for one Pods metric
/// (kubernetes/pkg/controller/podautoscaler: <c>calcPlainMetricReplicas</c>,
/// <c>stabilizeRecommendationWithBehaviors</c>, <c>convertDesiredReplicasWithBehaviorRate</c>):
/// desired = ceil(current metric / target × ready pods), no change within ±tolerance; pods without metrics count
/// as 0 on a scale-up and as the target on a scale-down; a scale-down takes the highest recommendation of the
/// last 300 s; a scale-up is limited to max(+4 pods, +100 %) relative to the count at the start of each 15 s period.
/// </summary>
public static class HpaController
{
    public static HpaDecision Sync(HpaInput input, HpaState state, HpaOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var current = input.CurrentReplicas;

        // Scaling is disabled at zero replicas; out-of-bounds counts are brought back first.
        if (current == 0 && input.MinReplicas != 0)
        {
            return new HpaDecision(input.Now, 0, 0, 0, "scaling is disabled at 0 replicas", state);
        }

        int metricDesired;
        string reason;
        if (current > input.MaxReplicas)
        {
            metricDesired = input.MaxReplicas;
            reason = "current replicas above max";
        }
        else if (current < input.MinReplicas)
        {
            metricDesired = input.MinReplicas;
            reason = "current replicas below min";
        }
        else if (input.ReadyReplicas <= 0)
        {
            return new HpaDecision(input.Now, current, current, current, "no pod reports the metric yet", state);
        }
        else
        {
            metricDesired = PlainMetricReplicas(input, options.Tolerance);
            reason = $"metric {input.MetricSum / input.ReadyReplicas:0.###}/pod vs target {input.TargetPerPod:0.###} recommends {metricDesired}";
        }

        // Stabilization (behaviors): clamp the current count between the lowest recommendation of the scale-up
        // window and the highest of the scale-down window, both including this one.
        var upCutoff = input.Now - options.ScaleUpStabilization;
        var downCutoff = input.Now - options.ScaleDownStabilization;
        var up = metricDesired;
        var down = metricDesired;
        foreach (var rec in state.Recommendations)
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

        var keepAfter = upCutoff < downCutoff ? upCutoff : downCutoff;
        var recommendations = state.Recommendations.RemoveAll(r => r.At <= keepAfter).Add(new Recommendation(input.Now, metricDesired));
        var stabilized = Math.Min(Math.Max(current, up), down);
        if (stabilized != metricDesired && stabilized == current && metricDesired < current)
        {
            reason += $"; held at {stabilized} by the {options.ScaleDownStabilization.TotalSeconds:0} s stabilization window";
        }

        // Rate limits, then the bounds.
        var desired = stabilized;
        if (stabilized > current)
        {
            var limit = Math.Max(ScaleUpLimit(current, input.Now, state, options), current);
            var maxAllowed = Math.Min(input.MaxReplicas, limit);
            if (desired > maxAllowed)
            {
                reason += limit < input.MaxReplicas ? $"; scale-up limited to {maxAllowed} this period" : $"; capped at max {maxAllowed}";
                desired = maxAllowed;
            }
        }
        else if (stabilized < current)
        {
            var limit = Math.Min(ScaleDownLimit(current, input.Now, state, options), current);
            var minAllowed = Math.Max(input.MinReplicas, limit);
            if (desired < minAllowed)
            {
                reason += $"; scale-down limited to {minAllowed}";
                desired = minAllowed;
            }
        }

        var upEvents = state.ScaleUpEvents.RemoveAll(e => e.At <= input.Now - options.ScaleUpPeriod);
        var downEvents = state.ScaleDownEvents.RemoveAll(e => e.At <= input.Now - options.ScaleDownPeriod);
        if (desired > current)
        {
            upEvents = upEvents.Add(new ScaleEvent(input.Now, desired - current));
        }
        else if (desired < current)
        {
            downEvents = downEvents.Add(new ScaleEvent(input.Now, current - desired));
        }

        return new HpaDecision(input.Now, current, desired, metricDesired, reason, new HpaState(recommendations, upEvents, downEvents));
    }

    /// <summary><c>calcPlainMetricReplicas</c> with starting pods as "missing" pods.</summary>
    public static int PlainMetricReplicas(HpaInput input, double tolerance)
    {
        var current = input.CurrentReplicas;
        var ready = input.ReadyReplicas;
        var missing = Math.Max(0, current - ready);
        var usageRatio = input.MetricSum / ready / input.TargetPerPod;
        if (missing == 0)
        {
            return Math.Abs(1.0 - usageRatio) <= tolerance ? current : Ceil(usageRatio * ready);
        }

        // On a scale-down missing pods use 100 % of the target, on a scale-up 0 %.
        var sum = input.MetricSum + (usageRatio < 1.0 ? missing * input.TargetPerPod : 0.0);
        var newRatio = sum / (ready + missing) / input.TargetPerPod;
        if (Math.Abs(1.0 - newRatio) <= tolerance || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0))
        {
            return current;
        }

        var replicas = Ceil(newRatio * (ready + missing));
        if ((newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current))
        {
            return current;
        }

        return replicas;
    }

    private static int ScaleUpLimit(int current, DateTimeOffset now, HpaState state, HpaOptions options)
    {
        var added = Sum(state.ScaleUpEvents, now - options.ScaleUpPeriod);
        var deleted = Sum(state.ScaleDownEvents, now - options.ScaleUpPeriod);
        var start = current - added + deleted;
        var byPods = start + options.ScaleUpPods;
        var byPercent = Ceil(start * (1 + (options.ScaleUpPercent / 100.0)));
        return Math.Max(byPods, byPercent);
    }

    private static int ScaleDownLimit(int current, DateTimeOffset now, HpaState state, HpaOptions options)
    {
        var added = Sum(state.ScaleUpEvents, now - options.ScaleDownPeriod);
        var deleted = Sum(state.ScaleDownEvents, now - options.ScaleDownPeriod);
        var start = current + deleted - added;
        return (int)(start * (1 - (options.ScaleDownPercent / 100.0)));
    }

    private static int Sum(ImmutableList<ScaleEvent> events, DateTimeOffset after)
    {
        var sum = 0;
        foreach (var e in events)
        {
            if (e.At > after)
            {
                sum += e.Change;
            }
        }

        return sum;
    }

    private static int Ceil(double x) => (int)Math.Min(int.MaxValue, Math.Ceiling(x - 1e-9));
}
