using System.Collections.Immutable;
using WPAI.Domain.Scaling;
using WPAI.Forecasting;

namespace WPAI.Simulation.Inference;

/// <summary>
/// One series end to end: scale to the peak QPS, train the forecaster on the first train-fraction, forecast every
/// point of the rest from its own past only, measure forecast error against last-value and same-time-yesterday at
/// the series' own scaling horizon, and replay each policy through the real service grain
/// (<see cref="GrainInferenceReplay"/>, whose forecaster trains on the grain's own per-minute history).
/// </summary>
public static class InferenceExperiment
{
    public static async Task<SeriesResult> RunAsync(LoadSeries raw, string file, InferenceSimulationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var peakRaw = raw.Values.Max();
        if (!(peakRaw > 0))
        {
            throw new LoadFileException(file, 2, 1, "every value is zero", "A load trace needs some load to scale to --peak-qps");
        }

        var series = raw.Scale(options.PeakQps / peakRaw);
        var n = series.Count;
        var evalStart = (int)Math.Floor(n * options.TrainFraction);
        var forecasterOptions = new ForecasterOptions { StartupDelay = options.StartupDelay };
        var horizon = forecasterOptions.HorizonSteps(series.Step);
        if (evalStart < 2 || n - evalStart <= horizon + 1)
        {
            throw new LoadFileException(file, 1, 1, $"{n} points leave no evaluation part at --train-fraction {options.TrainFraction}", "Use a longer trace or a smaller --train-fraction");
        }

        var training = LoadForecaster.Train(series.Slice(0, evalStart), forecasterOptions);
        double[]?[]? forecasts = null;
        if (training.Model is { } model)
        {
            forecasts = new double[]?[n];
            var from = Math.Max(LoadFeatures.MinIndex, evalStart - 1);
            var predicted = model.PredictRange(series, from, n - 1);
            for (var i = 0; i < predicted.Length; i++)
            {
                forecasts[from + i] = predicted[i];
            }
        }

        // Accuracy at the scaling horizon H over the evaluation part.
        var v = series.Values;
        var spd = series.StepsPerDay;
        var actual = new List<double>();
        var last = new List<double>();
        var fc = new List<double>();
        var yActual = new List<double>();
        var yesterday = new List<double>();
        for (var k = evalStart; k + horizon < n; k++)
        {
            actual.Add(v[k + horizon]);
            last.Add(v[k]);
            if (forecasts?[k] is { } f)
            {
                fc.Add(f[horizon - 1]);
            }

            if (k + horizon - spd >= 0)
            {
                yActual.Add(v[k + horizon]);
                yesterday.Add(v[k + horizon - spd]);
            }
        }

        var lastAcc = ForecastAccuracy.Of(last, actual);
        var fcAcc = forecasts is null ? null : ForecastAccuracy.Of(fc, actual);
        var yAcc = yesterday.Count > 0 ? ForecastAccuracy.Of(yesterday, yActual) : null;

        var maxReplicas = options.MaxReplicas ?? (int)Math.Ceiling(2 * options.PeakQps / options.CapacityQps);
        var trainPeak = v.Take(evalStart).Max();
        var staticReplicas = StaticPeakPolicy.Replicas(trainPeak, options.CapacityQps, options.TargetUtilization, options.MinReplicas, maxReplicas);

        // wpai's settings are chosen on the validation split of the training part (nothing of the evaluation part).
        WpaiSettings? tuned = null;
        var validation = ImmutableArray<PolicyRun>.Empty;
        var tried = ImmutableArray<(WpaiSettings Settings, PolicyRun Run)>.Empty;
        if (options.Policies.Any(WpaiPolicies.IsWpai))
        {
            (tuned, validation, tried) = await WpaiTuner.TuneAsync(series, evalStart, staticReplicas, maxReplicas, options, cancellationToken);
        }

        var runs = ImmutableArray.CreateBuilder<PolicyRun>();
        var timelines = ImmutableDictionary.CreateBuilder<string, IReadOnlyList<TimelinePoint>>();
        foreach (var policy in options.Policies)
        {
            var settings = WpaiPolicies.IsWpai(policy) ? WpaiPolicies.For(policy, tuned!, options) : null;
            var (run, timeline) = await GrainInferenceReplay.RunAsync(series, evalStart, policy, staticReplicas, maxReplicas, options, settings, cancellationToken);
            runs.Add(run with
            {
                ForecastMape = fcAcc?.Mape,
                ForecastMae = fcAcc?.Mae,
                LastValueMape = lastAcc.Mape,
                LastValueMae = lastAcc.Mae,
            });
            timelines[policy] = timeline;
        }

        var iso = ImmutableArray<IsoSloResult>.Empty;
        var wpaiAtSlo = ImmutableArray<WpaiAtSloResult>.Empty;
        if (options.IsoSlo && tuned is not null)
        {
            var wpaiValidation = validation.First(r => r.Policy == $"validation:wpai {tuned.Describe()}").SloViolationMinutes;
            var isoRuns = ImmutableArray.CreateBuilder<IsoSloResult>();
            foreach (var baseline in options.Policies.Where(p => p is "hpa" or "kpa"))
            {
                isoRuns.Add(await IsoSlo.RunAsync(series, evalStart, baseline, wpaiValidation, staticReplicas, maxReplicas, options, cancellationToken));
            }

            iso = isoRuns.ToImmutable();

            // The other direction: wpai tuned on the validation split to each baseline's SLO there.
            var atSlo = ImmutableArray.CreateBuilder<WpaiAtSloResult>();
            foreach (var baseline in options.Policies.Where(p => p is "hpa" or "kpa"))
            {
                var baselineValidation = validation.First(r => r.Policy == $"validation:{baseline}");
                var (settings, chosenValidation) = WpaiTuner.ChooseAtSlo(tried, baselineValidation);
                var run = ReferenceEquals(settings, tuned) && runs.FirstOrDefault(r => r.Policy == "wpai") is { } same
                    ? same // the same settings as wpai's: the same replay
                    : (await GrainInferenceReplay.RunAsync(series, evalStart, "wpai", staticReplicas, maxReplicas, options, settings, cancellationToken)).Run;
                atSlo.Add(new WpaiAtSloResult(baseline, settings, baselineValidation.SloViolationMinutes, chosenValidation.SloViolationMinutes, run with { Policy = $"wpai@{baseline}-slo" }));
            }

            wpaiAtSlo = atSlo.ToImmutable();
        }

        return new SeriesResult(
            series.Name, file, series.Step, horizon, evalStart, n - evalStart, training.TrainingTime.TotalSeconds, training.FallbackReason,
            fcAcc?.Mape, fcAcc?.Mae, lastAcc.Mape, lastAcc.Mae, yAcc?.Mape, yAcc?.Mae, staticReplicas, maxReplicas,
            runs.ToImmutable(), timelines.ToImmutable(), tuned, validation, iso, wpaiAtSlo, OracleBound.Run(series, evalStart, maxReplicas, options));
    }
}
