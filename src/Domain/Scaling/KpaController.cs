using System.Globalization;

namespace WPAI.Domain.Scaling;

/// <summary>
/// A faithful, pure reimplementation of Knative's Pod Autoscaler decision (knative/serving pkg/autoscaler/scaling,
/// <c>autoscaler.Scale</c>): with ready pods r (at least 1), desired stable pods <c>ceil(stable / target)</c> and panic
/// pods <c>ceil(panic / target)</c>, each kept within [<c>floor(r / maxScaleDownRate)</c>, <c>ceil(maxScaleUpRate × r)</c>];
/// panic starts (or is extended) when panic pods / r ≥ the panic threshold and ends a stable window after the last
/// time over it; while panicking the count never goes down (the highest of the panic is kept, and the larger of the
/// stable and panic counts is used); a scale-down delay keeps the highest count of its window. The bounds
/// [min, max] are the caller's (Knative applies min-scale / max-scale after the decider). Tested against Knative's
/// autoscaler_test.go (<c>KpaKnativeCasesTests</c>).
/// </summary>
public static class KpaController
{
    public static KpaDecision Scale(KpaInput input, KpaState state, KpaOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        if (!(input.TargetValue > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(input), input.TargetValue, "the KPA's target per pod must be positive");
        }

        var ready = Math.Max(1.0, input.ReadyPods);
        var maxScaleUp = Math.Ceiling(options.MaxScaleUpRate * ready);
        var maxScaleDown = options.Reachable ? Math.Floor(ready / options.MaxScaleDownRate) : 0.0;
        var dspc = Math.Ceiling(input.StableValue / input.TargetValue);
        var dppc = Math.Ceiling(input.PanicValue / input.TargetValue);
        var stablePods = (int)Math.Min(Math.Max(dspc, maxScaleDown), maxScaleUp);
        var panicPods = (int)Math.Min(Math.Max(dppc, maxScaleDown), maxScaleUp);
        var overThreshold = dppc / ready >= options.PanicThreshold;

        var panicTime = state.PanicTime;
        var maxPanicPods = state.MaxPanicPods;
        if (overThreshold)
        {
            panicTime = input.Now; // begin, or extend, the panic
        }
        else if (panicTime is { } since && since + options.StableWindow < input.Now)
        {
            panicTime = null; // the surge has made its way into the stable window
            maxPanicPods = 0;
        }

        var desired = stablePods;
        if (panicTime is not null)
        {
            desired = Math.Max(desired, panicPods);
            maxPanicPods = Math.Max(maxPanicPods, desired); // never scale down while panicking
            desired = maxPanicPods;
        }

        var delay = state.DelayWindow;
        if (options.ScaleDownDelay > TimeSpan.Zero)
        {
            var cutoff = input.Now - options.ScaleDownDelay;
            delay = delay.RemoveAll(r => r.At <= cutoff).Add(new Recommendation(input.Now, desired));
            desired = delay.Max(r => r.Replicas);
        }

        var reason = string.Create(CultureInfo.InvariantCulture,
            $"stable {input.StableValue:0.###} / target {input.TargetValue:0.###} -> {stablePods}, panic {input.PanicValue:0.###} -> {panicPods} on {input.ReadyPods} ready");
        if (panicTime is not null)
        {
            reason += "; panic mode: no scale-down";
        }

        return new KpaDecision(desired, panicTime is not null, reason, new KpaState(panicTime, maxPanicPods, delay));
    }
}
