using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WPAI.Simulation.Inference;

/// <summary>Writes <c>report.json</c>, <c>report.md</c> and one PNG per series and policy.</summary>
public static class InferenceReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<SeriesResult> results, InferenceSimulationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.OutputDirectory);
        var written = new List<string>();

        var json = ToJson(results, options);
        var jsonPath = Path.Combine(options.OutputDirectory, "report.json");
        await File.WriteAllTextAsync(jsonPath, json.ToJsonString(Json), cancellationToken);
        written.Add(jsonPath);

        var plots = new List<string>();
        foreach (var r in results)
        {
            foreach (var (policy, timeline) in r.Timelines.OrderBy(kv => options.Policies.IndexOf(kv.Key)))
            {
                var png = Path.Combine(options.OutputDirectory, $"{Safe(r.Series)}-{policy}.png");
                InferencePlot.Save(png, $"{r.Series}: {policy}", timeline);
                plots.Add(png);
            }
        }

        var mdPath = Path.Combine(options.OutputDirectory, "report.md");
        await File.WriteAllTextAsync(mdPath, ToMarkdown(results, options, plots), cancellationToken);
        written.Add(mdPath);
        written.AddRange(plots);
        return written;
    }

    public static JsonObject ToJson(IReadOnlyList<SeriesResult> results, InferenceSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        var runs = new JsonArray();
        var series = new JsonArray();
        foreach (var r in results)
        {
            series.Add(new JsonObject
            {
                ["series"] = r.Series,
                ["file"] = r.File,
                ["stepSeconds"] = r.Step.TotalSeconds,
                ["horizonSteps"] = r.HorizonSteps,
                ["trainPoints"] = r.TrainPoints,
                ["evalPoints"] = r.EvalPoints,
                ["trainingSeconds"] = Round(r.TrainingSeconds),
                ["forecasterFallback"] = r.ForecasterFallback,
                ["forecastMape"] = Round(r.ForecastMape),
                ["forecastMae"] = Round(r.ForecastMae),
                ["lastValueMape"] = Round(r.LastValueMape),
                ["lastValueMae"] = Round(r.LastValueMae),
                ["yesterdayMape"] = Round(r.YesterdayMape),
                ["yesterdayMae"] = Round(r.YesterdayMae),
                ["staticPeakReplicas"] = r.StaticPeakReplicas,
                ["maxReplicas"] = r.MaxReplicas,
            });
            foreach (var run in r.Runs)
            {
                runs.Add(new JsonObject
                {
                    ["series"] = run.Series,
                    ["policy"] = run.Policy,
                    ["sloViolationMinutes"] = Round(run.SloViolationMinutes),
                    ["replicaHours"] = Round(run.ReplicaHours),
                    ["scaleEvents"] = run.ScaleEvents,
                    ["peakReplicas"] = run.PeakReplicas,
                    ["forecastMape"] = Round(run.ForecastMape),
                    ["forecastMae"] = Round(run.ForecastMae),
                    ["lastValueMape"] = Round(run.LastValueMape),
                    ["lastValueMae"] = Round(run.LastValueMae),
                    ["evaluatedMinutes"] = Round(run.EvaluatedMinutes),
                });
            }
        }

        var totals = new JsonArray();
        foreach (var (policy, violation, hours, events) in Totals(results, options))
        {
            totals.Add(new JsonObject
            {
                ["policy"] = policy,
                ["sloViolationMinutes"] = Round(violation),
                ["replicaHours"] = Round(hours),
                ["scaleEvents"] = events,
            });
        }

        return new JsonObject
        {
            ["series"] = results.Count == 1 ? results[0].Series : string.Join(",", results.Select(r => r.Series)),
            ["settings"] = new JsonObject
            {
                ["peakQps"] = options.PeakQps,
                ["capacityQps"] = options.CapacityQps,
                ["targetUtilization"] = options.TargetUtilization,
                ["startupDelaySeconds"] = options.StartupDelay.TotalSeconds,
                ["tickSeconds"] = options.Tick.TotalSeconds,
                ["metricWindowSeconds"] = options.MetricWindow.TotalSeconds,
                ["trainFraction"] = options.TrainFraction,
                ["forecastQuantile"] = options.ForecastQuantile,
            },
            ["seriesResults"] = series,
            ["runs"] = runs,
            ["totals"] = totals,
        };
    }

    public static IEnumerable<(string Policy, double Violation, double Hours, int Events)> Totals(IReadOnlyList<SeriesResult> results, InferenceSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var policy in options.Policies)
        {
            var runs = results.SelectMany(r => r.Runs).Where(r => r.Policy == policy).ToList();
            yield return (policy, runs.Sum(r => r.SloViolationMinutes), runs.Sum(r => r.ReplicaHours), runs.Sum(r => r.ScaleEvents));
        }
    }

    public static string ToMarkdown(IReadOnlyList<SeriesResult> results, InferenceSimulationOptions options, IReadOnlyList<string> plots)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plots);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# Inference autoscaling simulation");
        sb.AppendLine();
        sb.AppendLine(c, $"Peak {options.PeakQps} QPS, {options.CapacityQps} QPS per replica, target utilization {options.TargetUtilization}, start-up delay {options.StartupDelay.TotalSeconds} s, controllers every {options.Tick.TotalSeconds} s on a {options.MetricWindow.TotalSeconds} s metric window; trained on the first {options.TrainFraction:P0}, evaluated on the rest; wpai provisions for {(options.ForecastQuantile is { } q ? $"the q{q:0.##} of its forecast" : "its mean forecast")}.");
        sb.AppendLine();
        sb.AppendLine("## Forecast error at the scaling horizon (evaluation part)");
        sb.AppendLine();
        sb.AppendLine("| series | step | horizon | train s | forecaster MAPE | last-value MAPE | yesterday MAPE | forecaster MAE | last-value MAE | yesterday MAE |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            sb.AppendLine(c, $"| {r.Series} | {r.Step.TotalMinutes:0.##} min | {r.HorizonSteps} step | {r.TrainingSeconds:0.00} | {F(r.ForecastMape)} % | {r.LastValueMape:0.00} % | {F(r.YesterdayMape)} % | {F(r.ForecastMae)} | {r.LastValueMae:0.00} | {F(r.YesterdayMae)} |");
        }

        foreach (var r in results.Where(r => r.ForecasterFallback is not null))
        {
            sb.AppendLine();
            sb.AppendLine(c, $"{r.Series}: forecaster fell back: {r.ForecasterFallback}");
        }

        sb.AppendLine();
        sb.AppendLine("## Policies");
        sb.AppendLine();
        sb.AppendLine("| series | policy | SLO-violation min | replica-hours | scale events | peak replicas |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            foreach (var run in r.Runs)
            {
                sb.AppendLine(c, $"| {r.Series} | {run.Policy} | {run.SloViolationMinutes:0.00} | {run.ReplicaHours:0.0} | {run.ScaleEvents} | {run.PeakReplicas} |");
            }
        }

        sb.AppendLine();
        sb.AppendLine("## Totals");
        sb.AppendLine();
        sb.AppendLine("| policy | SLO-violation min | replica-hours | scale events |");
        sb.AppendLine("|---|---|---|---|");
        var totals = Totals(results, options).ToList();
        foreach (var (policy, violation, hours, events) in totals)
        {
            sb.AppendLine(c, $"| {policy} | {violation:0.00} | {hours:0.0} | {events} |");
        }

        var wpai = totals.FirstOrDefault(t => t.Policy == "wpai");
        var hpa = totals.FirstOrDefault(t => t.Policy == "hpa");
        if (wpai.Policy is not null && hpa.Policy is not null && hpa.Violation > 0 && hpa.Hours > 0)
        {
            sb.AppendLine();
            sb.AppendLine(c, $"wpai / hpa: SLO-violation minutes {wpai.Violation / hpa.Violation:P1}, replica-hours {wpai.Hours / hpa.Hours:P1}.");
        }

        sb.AppendLine();
        sb.AppendLine("## Plots");
        sb.AppendLine();
        foreach (var p in plots)
        {
            sb.AppendLine(c, $"![{Path.GetFileNameWithoutExtension(p)}]({Path.GetFileName(p)})");
        }

        return sb.ToString();
    }

    private static string F(double? x) => x is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static double? Round(double? x) => x is { } v && double.IsFinite(v) ? Math.Round(v, 3) : null;

    private static double Round(double x) => double.IsFinite(x) ? Math.Round(x, 3) : 0;

    private static string Safe(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_'));
}
