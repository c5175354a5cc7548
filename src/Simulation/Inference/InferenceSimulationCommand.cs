using System.Collections.Immutable;
using System.Globalization;

namespace WPAI.Simulation.Inference;

/// <summary>
/// <c>wpai simulate --inference FILE [FILE...] [--policies wpai,reactive,hpa,static-peak] [--train-fraction 0.7]
/// [--peak-qps N] [--capacity-qps N] [--target-utilization F] [--startup-delay SECONDS] [--quantile Q|none]
/// [--out DIR]</c>. Returns the process exit code: 0 on success, 2 on bad arguments or input.
/// </summary>
public static class InferenceSimulationCommand
{
    public const string Usage =
        "usage: wpai simulate --inference FILE [FILE...] [--policies wpai,reactive,hpa,static-peak] [--train-fraction 0.7] " +
        "[--peak-qps 1000] [--capacity-qps 50] [--target-utilization 0.7] [--startup-delay 60] [--quantile 0.9|none] [--out DIR]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        InferenceSimulationOptions options;
        List<string> files;
        try
        {
            (options, files) = Parse(args);
            options.Validate();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await output.WriteLineAsync($"error: {e.Message}");
            await output.WriteLineAsync(Usage);
            return 2;
        }

        var results = new List<SeriesResult>();
        foreach (var file in files)
        {
            try
            {
                var series = LoadFileReader.Read(file);
                var r = await InferenceExperiment.RunAsync(series, file, options, cancellationToken);
                results.Add(r);
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{r.Series}: {r.TrainPoints} training points at {r.Step.TotalMinutes:0.##} min, forecaster trained in {r.TrainingSeconds:0.00} s{(r.ForecasterFallback is null ? string.Empty : $" (fallback: {r.ForecasterFallback})")}; MAPE at +{r.HorizonSteps} step: forecaster {(r.ForecastMape is { } m ? m.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} %, last-value {r.LastValueMape:0.00} %, yesterday {(r.YesterdayMape is { } y ? y.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} %"));
                foreach (var run in r.Runs)
                {
                    await output.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"  {run.Policy,-12} SLO-violation {run.SloViolationMinutes,9:0.00} min  replica-hours {run.ReplicaHours,10:0.0}  scale events {run.ScaleEvents,6}"));
                }
            }
            catch (LoadFileException e)
            {
                await output.WriteLineAsync($"error: {e.Message}");
                return 2;
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

        var written = await InferenceReportWriter.WriteAsync(results, options, cancellationToken);
        await output.WriteLineAsync($"wrote {string.Join(", ", written.Take(2))} and {written.Count - 2} plots to {options.OutputDirectory}");
        return 0;
    }

    public static (InferenceSimulationOptions Options, List<string> Files) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new InferenceSimulationOptions();
        var files = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value");
            double Number() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                ? x
                : throw new ArgumentException($"{a} needs a number, got '{args[i]}'");
            switch (a)
            {
                case "--inference":
                    break;
                case "--policies":
                    options = options with { Policies = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] };
                    break;
                case "--train-fraction":
                    options = options with { TrainFraction = Number() };
                    break;
                case "--peak-qps":
                    options = options with { PeakQps = Number() };
                    break;
                case "--capacity-qps":
                    options = options with { CapacityQps = Number() };
                    break;
                case "--target-utilization":
                    options = options with { TargetUtilization = Number() };
                    break;
                case "--startup-delay":
                    options = options with { StartupDelay = TimeSpan.FromSeconds(Number()) };
                    break;
                case "--max-replicas":
                    options = options with { MaxReplicas = (int)Number() };
                    break;
                case "--quantile":
                    {
                        var q = Next();
                        options = options with
                        {
                            ForecastQuantile = q == "none" ? null
                                : double.TryParse(q, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x
                                : throw new ArgumentException($"--quantile needs a number or 'none', got '{q}'"),
                        };
                        break;
                    }

                case "--out":
                    options = options with { OutputDirectory = Next() };
                    break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"unknown option '{a}'");
                    }

                    files.Add(a);
                    break;
            }
        }

        if (files.Count == 0)
        {
            throw new ArgumentException("no load file given");
        }

        return (options, files);
    }
}
