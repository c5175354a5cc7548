using System.Globalization;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Inference;

/// <summary>
/// <c>wpai simulate --inference</c> as a library call (the command line is typed in <c>src/Cli/Commands/Simulate</c>):
/// replays each load file under every policy, prints a line per series and policy and the totals, and writes
/// <c>report.json</c>, <c>report.md</c> and the plots into <see cref="InferenceSimulationOptions.OutputDirectory"/>.
/// </summary>
public static class InferenceSimulationCommand
{
    /// <summary>
    /// Runs the replay. Bad options throw <see cref="WpaiValidationException"/>, a bad load file
    /// <see cref="LoadFileException"/> (naming the file, line and column); the report is written only when every file ran.
    /// </summary>
    public static async Task<IReadOnlyList<SeriesResult>> RunAsync(
        IReadOnlyList<string> files, InferenceSimulationOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        if (files.Count == 0)
        {
            throw new WpaiValidationException("FILES", "no load file given", "Name one or more load files, e.g. ../shared/data/load/nyc_taxi.csv.");
        }

        var results = new List<SeriesResult>();
        foreach (var file in files)
        {
            var series = LoadFileReader.Read(file);
            var r = await InferenceExperiment.RunAsync(series, file, options, cancellationToken);
            results.Add(r);
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Series}: {r.TrainPoints} training points at {r.Step.TotalMinutes:0.##} min, forecaster trained in {r.TrainingSeconds:0.00} s{(r.ForecasterFallback is null ? string.Empty : $" (fallback: {r.ForecasterFallback})")}; MAPE at +{r.HorizonSteps} step: forecaster {(r.ForecastMape is { } m ? m.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} %, last-value {r.LastValueMape:0.00} %, yesterday {(r.YesterdayMape is { } y ? y.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} %"));
            if (r.Wpai is { } w)
            {
                await output.WriteLineAsync($"  wpai settings (validation split): {w.Describe()}");
            }

            foreach (var run in r.Runs.Concat(r.ComparisonRuns))
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {run.Policy,-12} SLO-violation {run.SloViolationMinutes,9:0.00} min  replica-hours {run.ReplicaHours,10:0.0}  scale events {run.ScaleEvents,6}"));
            }
        }

        if (results.Count > 1)
        {
            await output.WriteLineAsync("totals:");
            foreach (var (policy, violation, hours, events) in InferenceReportWriter.Totals(results, options))
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {policy,-12} SLO-violation {violation,9:0.00} min  replica-hours {hours,10:0.0}  scale events {events,6}"));
            }
        }

        foreach (var (target, measured, met) in InferenceReportWriter.Targets(results, options))
        {
            await output.WriteLineAsync($"target {(met ? "met" : "MISSED")}: {target}: {measured}");
        }

        var written = await InferenceReportWriter.WriteAsync(results, options, cancellationToken);
        await output.WriteLineAsync($"wrote {string.Join(", ", written.Take(2))} and {written.Count - 2} plots to {options.OutputDirectory}");
        return results;
    }
}
