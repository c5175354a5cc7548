using System.Collections.Immutable;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Scaling;
using WPAI.Forecasting;

namespace WPAI.Simulation.Inference;

/// <summary>
/// Replays the evaluation part of a load series (already in QPS) against one scaling policy on virtual time.
/// Demand between two points of the series is interpolated linearly. Every <see cref="InferenceSimulationOptions.Tick"/>:
/// replicas whose start-up delay has passed become ready; the tick counts as SLO violation when demand exceeds
/// ready replicas × capacity; every existing replica (starting or ready) costs replica-time; the policy sees the mean
/// demand over the trailing metric window and may change the replica count (new replicas start, removals take the
/// newest first). The forecast of point k (made from points ≤ k only) is usable once point k has been observed,
/// i.e. one metric window after its time.
/// </summary>
public static class InferenceReplay
{
    /// <summary>Replays series points [<paramref name="evalStart"/>, end).</summary>
    /// <param name="forecasts">forecasts[k] = predictions for points k+1…k+H made at k (null entries / null array: none).</param>
    public static (PolicyRun Run, IReadOnlyList<TimelinePoint> Timeline) Run(
        LoadSeries series,
        int evalStart,
        double[]?[]? forecasts,
        string policy,
        int staticReplicas,
        int maxReplicas,
        InferenceSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var v = series.Values;
        var start = series.TimeAt(evalStart);
        var end = series.TimeAt(v.Count - 1);
        var tick = options.Tick;
        var tickMinutes = tick.TotalMinutes;
        var targetPerReplica = options.CapacityQps * options.TargetUtilization;
        var windowTicks = Math.Max(1, (int)Math.Round(options.MetricWindow / tick));
        var useForecast = policy == "wpai" && forecasts is not null;
        var scaling = policy == "wpai" ? new ScalingOptions() : ScalingOptions.Reactive;
        var hpaOptions = new HpaOptions();
        var stepsPerDay = series.StepsPerDay;
        var lookAhead = options.LookAhead > options.StartupDelay ? options.LookAhead : options.StartupDelay;

        double Demand(DateTimeOffset at)
        {
            var p = (at - series.Start) / series.Step;
            var k = (int)Math.Floor(p);
            if (k >= v.Count - 1)
            {
                return v[^1];
            }

            var f = p - k;
            return (v[k] * (1 - f)) + (v[k + 1] * f);
        }

        var initial = policy == "static-peak"
            ? staticReplicas
            : Math.Clamp((int)Math.Ceiling(v[evalStart] / targetPerReplica), options.MinReplicas, maxReplicas);
        var ready = initial;
        var starting = new List<DateTimeOffset>();
        var recent = ImmutableList<Recommendation>.Empty;
        var hpaState = HpaState.Empty;
        var history = new Queue<double>();
        double violationMinutes = 0, replicaMinutes = 0, evaluatedMinutes = 0;
        var scaleEvents = 0;
        var peak = initial;
        var timeline = new List<TimelinePoint>();
        var lastPlotted = -1;
        var upliftIndex = -1;
        var uplift = 1.0;
        double? forecastNow = null;

        for (var now = start; now <= end; now += tick)
        {
            // Replicas whose start-up has finished.
            for (var i = starting.Count - 1; i >= 0; i--)
            {
                if (starting[i] <= now)
                {
                    starting.RemoveAt(i);
                    ready++;
                }
            }

            var demand = Demand(now);
            var capacity = ready * options.CapacityQps;
            if (demand > capacity + 1e-9)
            {
                violationMinutes += tickMinutes;
            }

            replicaMinutes += (ready + starting.Count) * tickMinutes;
            evaluatedMinutes += tickMinutes;

            history.Enqueue(demand);
            if (history.Count > windowTicks)
            {
                history.Dequeue();
            }

            var observed = history.Average();
            var current = ready + starting.Count;

            // The newest point observed by now, and the forecast made there.
            var known = (int)Math.Floor((now - options.MetricWindow - series.Start) / series.Step);
            if (useForecast && known >= 0 && known < forecasts!.Length && forecasts[known] is { } f)
            {
                if (known != upliftIndex && options.ForecastQuantile is { } q)
                {
                    upliftIndex = known;
                    uplift = ForecastUplift.Multiplier(Realized(v, forecasts, known, evalStart, stepsPerDay), q);
                }

                forecastNow = PathMax(series, known, v[known], f.Select(x => x * uplift).ToArray(), now, now + lookAhead);
            }

            var desired = current;
            switch (policy)
            {
                case "static-peak":
                    break;
                case "hpa":
                    {
                        var d = HpaController.Sync(new HpaInput(now, current, ready, observed * ready / Math.Max(ready, 1), targetPerReplica, options.MinReplicas, maxReplicas), hpaState, hpaOptions);
                        hpaState = d.Next;
                        desired = d.ToReplicas;
                        break;
                    }

                default:
                    {
                        var n = Math.Max(current, 1);
                        var signal = new MetricSignal(ScalingMetric.QpsPerReplica, observed / n, useForecast ? forecastNow / n : null, targetPerReplica);
                        var d = ScalingPolicy.Decide(new ScalingInput(now, current, options.MinReplicas, maxReplicas, [signal], recent), scaling);
                        recent = d.Recent;
                        desired = d.ToReplicas;
                        break;
                    }
            }

            if (desired > current)
            {
                for (var i = current; i < desired; i++)
                {
                    starting.Add(now + options.StartupDelay);
                }
            }
            else if (desired < current)
            {
                var remove = current - desired;
                var fromStarting = Math.Min(remove, starting.Count);
                starting.RemoveRange(starting.Count - fromStarting, fromStarting);
                ready -= remove - fromStarting;
            }

            if (desired != current)
            {
                scaleEvents++;
            }

            peak = Math.Max(peak, desired);
            var pointIndex = (int)Math.Floor((now - series.Start) / series.Step);
            if (pointIndex != lastPlotted)
            {
                lastPlotted = pointIndex;
                timeline.Add(new TimelinePoint(now, demand, ready * options.CapacityQps, useForecast ? forecastNow : null));
            }
        }

        var run = new PolicyRun(series.Name, policy, violationMinutes, replicaMinutes / 60, scaleEvents, peak, null, null, 0, 0, evaluatedMinutes);
        return (run, timeline);
    }

    /// <summary>
    /// The highest load on the forecast path over [from, to]: the path runs linearly from the observed point k to the
    /// forecasts of k+1…k+H and stays flat after k+H. For coarse series (30-minute points) this is the forecast over
    /// the next look-ahead (5 minutes), not the whole next step.
    /// </summary>
    public static double PathMax(LoadSeries series, int k, double observedK, IReadOnlyList<double> forecast, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(forecast);
        double At(DateTimeOffset t)
        {
            var p = (t - series.TimeAt(k)) / series.Step;
            if (p <= 0)
            {
                return observedK;
            }

            if (p >= forecast.Count)
            {
                return forecast[^1];
            }

            var i = (int)Math.Floor(p);
            var a = i == 0 ? observedK : forecast[i - 1];
            var b = forecast[i];
            return a + ((b - a) * (p - i));
        }

        var max = Math.Max(At(from), At(to));
        for (var h = 1; h <= forecast.Count; h++)
        {
            var t = series.TimeAt(k + h);
            if (t > from && t < to)
            {
                max = Math.Max(max, forecast[h - 1]);
            }
        }

        return max;
    }

    /// <summary>Realized (forecast peak over the horizon, actual peak) pairs of the last day, all made inside the evaluation part.</summary>
    private static List<(double Forecast, double Actual)> Realized(IReadOnlyList<double> v, double[]?[] forecasts, int known, int evalStart, int stepsPerDay)
    {
        var pairs = new List<(double, double)>(stepsPerDay);
        for (var k = known - 1; k >= evalStart && pairs.Count < stepsPerDay; k--)
        {
            if (forecasts[k] is not { } f || k + f.Length > known)
            {
                continue;
            }

            var actual = 0.0;
            for (var h = 1; h <= f.Length; h++)
            {
                actual = Math.Max(actual, v[k + h]);
            }

            pairs.Add((f.Max(), actual));
        }

        return pairs;
    }
}
