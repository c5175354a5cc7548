using System.Collections.Immutable;
using System.Globalization;

namespace WPAI.Domain.Scaling;

/// <summary>
/// WPAI's scaling policy (README, "Autoscaling"), pure. Per metric with target <c>expectRate</c> and ratio
/// <c>r = y / expectRate</c>: expansion <c>ceil(r × N)</c> when r is above 1 + tolerance, contraction
/// <c>floor(r × N)</c> when below 1 − tolerance, else N. A latency or error-rate SLO breach forces at least N + 1.
/// The desired count is the maximum over metrics, clamped to [min, max]; a scale-down keeps the highest
/// recommendation of the stabilization window. With forecasts, <c>y = max(observed, forecast)</c>, so a scale-up
/// happens ahead of a forecast peak and a scale-down only when the forecast stays low too.
/// </summary>
public static class ScalingPolicy
{
    public static ScalingDecision Decide(ScalingInput input, ScalingOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        if (input.MinReplicas < 0 || input.MaxReplicas < input.MinReplicas)
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"replica bounds [{input.MinReplicas}, {input.MaxReplicas}] are not a range");
        }

        var current = input.CurrentReplicas;
        var n = Math.Max(current, 1);

        // The strongest recommendation over metrics (ties: the first metric in input order).
        var best = new MetricRecommendation(current, ScalingDecisionKind.Hold, null);
        var first = true;
        foreach (var signal in input.Signals)
        {
            var rec = Recommend(signal, n, current, options);
            if (first || rec.Replicas > best.Replicas)
            {
                best = rec;
                first = false;
            }
        }

        var raw = best.Replicas;
        var clamped = Math.Clamp(raw, input.MinReplicas, input.MaxReplicas);
        var kind = clamped != raw ? ScalingDecisionKind.Clamped : best.Kind;

        // Stabilization: a scale-down takes the highest recommendation within the window (this one included).
        var cutoff = input.Now - options.ScaleDownStabilization;
        var window = input.Recent.RemoveAll(r => r.At <= cutoff).Add(new Recommendation(input.Now, clamped));
        var final = clamped;
        if (clamped < current)
        {
            var highest = window.Max(r => r.Replicas);
            final = Math.Min(current, Math.Max(clamped, highest));
            if (final != clamped)
            {
                kind = ScalingDecisionKind.Stabilized;
            }
        }

        var s = best.Signal;
        var reason = Explain(kind, s, current, raw, final, options);
        return new ScalingDecision(
            input.Now, current, final, kind, s?.Metric, s?.Observed ?? 0, s?.Forecast, s?.Target ?? 0, reason, window);
    }

    /// <summary>The recommendation of one metric at replica count <paramref name="n"/> (&gt;= 1).</summary>
    public static int RecommendFor(MetricSignal signal, int n, ScalingOptions options) =>
        Recommend(signal, n, n, options).Replicas;

    private static MetricRecommendation Recommend(MetricSignal signal, int n, int current, ScalingOptions options)
    {
        if (!(signal.Target > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(signal), $"the target of {signal.Metric} must be positive, not {signal.Target}");
        }

        var y = Effective(signal, options);
        var ratio = y / signal.Target;
        if (signal.IsSlo && signal.Observed > signal.Target)
        {
            return new MetricRecommendation(Math.Max(Ceil(ratio * n), current + 1), ScalingDecisionKind.SloBreach, signal);
        }

        if (ratio > 1 + options.Tolerance)
        {
            return new MetricRecommendation(Math.Max(Ceil(ratio * n), current), ScalingDecisionKind.Expand, signal);
        }

        if (ratio < 1 - options.Tolerance)
        {
            var down = Floor(ratio * n);
            if (options.ContractionGuard)
            {
                down = Math.Max(down, Ceil(ratio * n / (1 + options.Tolerance)));
            }

            return new MetricRecommendation(Math.Min(down, current), ScalingDecisionKind.Contract, signal);
        }

        return new MetricRecommendation(current, ScalingDecisionKind.Hold, signal);
    }

    /// <summary>y = max(observed, forecast) when forecasts are used; the observation otherwise.</summary>
    private static double Effective(MetricSignal signal, ScalingOptions options) =>
        options.UseForecast && signal.Forecast is { } f && !signal.IsSlo ? Math.Max(signal.Observed, f) : signal.Observed;

    /// <summary>The ceiling, guarded against 2.0000000001 becoming 3 through floating-point noise.</summary>
    internal static int Ceil(double x) => (int)Math.Min(int.MaxValue, Math.Ceiling(x - 1e-9));

    private static int Floor(double x) => (int)Math.Max(0, Math.Floor(x + 1e-9));

    private static string Explain(ScalingDecisionKind kind, MetricSignal? s, int from, int raw, int to, ScalingOptions options)
    {
        if (s is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"no metrics: keep {from} (bounds give {to})");
        }

        var f = s.Forecast is { } fc && options.UseForecast ? string.Create(CultureInfo.InvariantCulture, $", forecast {fc:0.###}") : string.Empty;
        var what = string.Create(CultureInfo.InvariantCulture, $"{s.Metric} observed {s.Observed:0.###}{f} vs target {s.Target:0.###}");
        return kind switch
        {
            ScalingDecisionKind.SloBreach => $"SLO breach: {what}; expand {from} -> {to}",
            ScalingDecisionKind.Expand => $"{what}: ceil(y/target x N) expands {from} -> {to}",
            ScalingDecisionKind.Contract => $"{what}: floor(y/target x N) contracts {from} -> {to}",
            ScalingDecisionKind.Stabilized => string.Create(CultureInfo.InvariantCulture, $"{what}: contraction to {raw} held at {to} by the {options.ScaleDownStabilization.TotalSeconds:0} s stabilization window"),
            ScalingDecisionKind.Clamped => $"{what}: recommendation {raw} clamped to {to}",
            _ => $"{what}: within tolerance, keep {to}",
        };
    }

    private readonly record struct MetricRecommendation(int Replicas, ScalingDecisionKind Kind, MetricSignal? Signal);
}
