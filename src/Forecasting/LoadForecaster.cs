using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace WPAI.Forecasting;

/// <summary>
/// Trains the per-service load forecaster: one ML.NET FastTree regression (gradient-boosted trees) per horizon step
/// +1…+H on up to <see cref="ForecasterOptions.MaxHistory"/> of the series' own history. Pure apart from the CPU it
/// uses: no clock (the stopwatch measures training time only), no I/O; call it off the grain's turn.
/// </summary>
public static class LoadForecaster
{
    public static ForecastTraining Train(LoadSeries series, ForecasterOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var started = Stopwatch.GetTimestamp();
        var horizon = options.HorizonSteps(series.Step);
        var keep = (int)Math.Min(series.Count, Math.Floor(options.MaxHistory / series.Step));
        var history = keep < series.Count ? series.Slice(series.Count - keep, keep) : series;
        var span = history.Step * history.Count;
        var rows = history.Count - LoadFeatures.MinIndex - horizon;
        if (span < options.MinHistory || rows < options.MinTrainingRows)
        {
            var reason = string.Create(
                CultureInfo.InvariantCulture,
                $"history too short: {history.Count} points ({span.TotalHours:0.#} h) but the forecaster needs {options.MinHistory.TotalHours:0.#} h and {options.MinTrainingRows} training rows; scaling stays reactive");
            return new ForecastTraining(null, reason, history.Count, Stopwatch.GetElapsedTime(started));
        }

        var x = history.Values.Select(LoadFeatures.ToLog).ToArray();
        var models = new ITransformer[horizon];
        var threads = Math.Max(1, options.MaxParallelism ?? Environment.ProcessorCount);
        if (options.SharedModel)
        {
            // One model for every horizon step (the step h is a feature): one feature matrix, sampled rows of every
            // horizon, one fit with all threads, instead of one fit per step.
            var ml = new MLContext(options.Seed);
            var perHorizon = Math.Max(1, options.MaxTrainingRows / horizon);
            var sampled = Enumerable.Range(1, horizon).SelectMany(h => Rows(history, x, h, perHorizon));
            var shared = Trainer(ml, options, threads).Fit(ml.Data.LoadFromEnumerable(sampled, SchemaFor(ml)));
            Array.Fill(models, shared);
        }
        else
        {
            // One context per horizon: an MLContext is not meant for concurrent use; each model is trained independently.
            Parallel.For(1, horizon + 1, new ParallelOptions { MaxDegreeOfParallelism = threads }, h =>
            {
                var ml = new MLContext(options.Seed);
                models[h - 1] = Trainer(ml, options, 1).Fit(ml.Data.LoadFromEnumerable(Rows(history, x, h, options.MaxTrainingRows), SchemaFor(ml)));
            });
        }

        var model = new LoadForecastModel(new MLContext(options.Seed), models, series.Step, history.StepsPerDay, horizon);
        return new ForecastTraining(model, null, history.Count, Stopwatch.GetElapsedTime(started));
    }

    private static FastTreeRegressionTrainer Trainer(MLContext ml, ForecasterOptions options, int threads) =>
        ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = options.NumberOfTrees,
            NumberOfLeaves = options.NumberOfLeaves,
            MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf,
            LearningRate = options.LearningRate,
            FeatureColumnName = nameof(FeatureRow.Features),
            LabelColumnName = nameof(FeatureRow.Label),
            NumberOfThreads = threads,
        });

    internal static SchemaDefinition SchemaFor(MLContext ml)
    {
        _ = ml;
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, LoadFeatures.Count);
        return schema;
    }

    /// <summary>Training rows for horizon h; above <paramref name="maxRows"/> rows, an even stride that keeps the newest row.</summary>
    private static IEnumerable<FeatureRow> Rows(LoadSeries series, double[] x, int h, int maxRows)
    {
        var last = x.Length - 1 - h;
        var count = last - LoadFeatures.MinIndex + 1;
        var stride = Math.Max(1, (int)Math.Ceiling((double)count / maxRows));
        for (var t = last - ((count - 1) / stride * stride); t <= last; t += stride)
        {
            var f = new float[LoadFeatures.Count];
            LoadFeatures.Fill(x, t, h, series.TimeAt(t + h), series.StepsPerDay, f);
            yield return new FeatureRow { Features = f, Label = (float)(x[t + h] - x[t]) };
        }
    }
}
