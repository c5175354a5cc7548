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
        var isoSlo = new JsonArray();
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
                ["wpaiSettings"] = r.Wpai is { } w ? new JsonObject
                {
                    ["describe"] = w.Describe(),
                    ["quantile"] = w.Quantile,
                    ["forecastUtilization"] = w.Provisioning.ForecastUtilization,
                    ["burstDetector"] = w.Provisioning.BurstDetector,
                    ["valleyScaleDown"] = w.Provisioning.ValleyScaleDown,
                    ["costAwareScaleIn"] = w.Provisioning.CostAwareScaleIn,
                    ["periodicity"] = w.Provisioning.Periodicity,
                    ["kpaReactive"] = w.Provisioning.KpaReactive,
                    ["trendLookAheadSeconds"] = w.Provisioning.TrendLookAhead?.TotalSeconds,
                    ["reactiveUtilization"] = w.Provisioning.ReactiveUtilization,
                } : null,
                ["validation"] = new JsonArray([.. (r.Validation.IsDefault ? [] : r.Validation).Select(v => (JsonNode)RunJson(v))]),
                ["oracleBound"] = r.Oracle is { } o ? RunJson(o) : null,
            });
            foreach (var iso in r.IsoSlo.IsDefault ? [] : r.IsoSlo)
            {
                isoSlo.Add(new JsonObject
                {
                    ["series"] = r.Series,
                    ["baseline"] = iso.Baseline,
                    ["tunedOn"] = "validation split of the training part: the baseline's target utilization tuned to wpai's SLO-violation minutes",
                    ["targetUtilization"] = iso.TargetUtilization,
                    ["validationSloViolationMinutes"] = Round(iso.ValidationViolationMinutes),
                    ["wpaiValidationSloViolationMinutes"] = Round(iso.WpaiValidationViolationMinutes),
                    ["run"] = RunJson(iso.Run),
                });
            }

            foreach (var at in r.WpaiAtSlo.IsDefault ? [] : r.WpaiAtSlo)
            {
                isoSlo.Add(new JsonObject
                {
                    ["series"] = r.Series,
                    ["baseline"] = at.Baseline,
                    ["tunedOn"] = "validation split of the training part: wpai's settings tuned to the baseline's SLO-violation minutes (the cheapest candidate within them)",
                    ["wpaiSettings"] = at.Settings.Describe(),
                    ["validationSloViolationMinutes"] = Round(at.WpaiValidationMinutes),
                    ["baselineValidationSloViolationMinutes"] = Round(at.BaselineValidationMinutes),
                    ["run"] = RunJson(at.Run),
                });
            }

            foreach (var run in r.Runs)
            {
                runs.Add(RunJson(run));
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
                ["withinStep"] = options.WithinStep.ToString().ToLowerInvariant(),
                ["trainFraction"] = options.TrainFraction,
                ["forecastQuantile"] = options.ForecastQuantile,
            },
            ["seriesResults"] = series,
            ["runs"] = runs,
            ["totals"] = totals,
            ["isoSlo"] = isoSlo,
            ["targets"] = new JsonArray([.. Targets(results, options).Select(t => (JsonNode)new JsonObject
            {
                ["target"] = t.Target,
                ["measured"] = t.Measured,
                ["met"] = t.Met,
            })]),
        };
    }

    /// <summary>Each target of the autoscaling goal against the measured numbers (per series and together, against hpa and kpa, iso-SLO).</summary>
    public static IEnumerable<(string Target, string Measured, bool Met)> Targets(IReadOnlyList<SeriesResult> results, InferenceSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        var c = CultureInfo.InvariantCulture;
        foreach (var baseline in new[] { "hpa", "kpa" }.Where(b => options.Policies.Contains(b) && options.Policies.Contains("wpai")))
        {
            foreach (var r in results)
            {
                var w = r.Runs.First(x => x.Policy == "wpai");
                var b = r.Runs.First(x => x.Policy == baseline);
                yield return ($"{r.Series}: wpai SLO min <= {baseline} and replica-h <= {baseline}",
                    string.Create(c, $"{w.SloViolationMinutes:0.00} vs {b.SloViolationMinutes:0.00} min, {w.ReplicaHours:0.0} vs {b.ReplicaHours:0.0} h"),
                    w.SloViolationMinutes <= b.SloViolationMinutes + 1e-9 && w.ReplicaHours <= b.ReplicaHours + 1e-9);
            }

            var wt = Totals(results, options).First(t => t.Policy == "wpai");
            var bt = Totals(results, options).First(t => t.Policy == baseline);
            var slo = bt.Violation > 0 ? wt.Violation / bt.Violation : (wt.Violation > 0 ? double.PositiveInfinity : 0);
            yield return ($"together: wpai <= 50 % of {baseline}'s SLO min at <= 90 % of its replica-h",
                string.Create(c, $"{slo:P1} of SLO min ({wt.Violation:0.00} / {bt.Violation:0.00}), {wt.Hours / bt.Hours:P1} of replica-h ({wt.Hours:0.0} / {bt.Hours:0.0})"),
                slo <= 0.5 + 1e-9 && wt.Hours <= 0.9 * bt.Hours + 1e-9);

            var isos = results.Where(r => !r.IsoSlo.IsDefault).SelectMany(r => r.IsoSlo.Where(i => i.Baseline == baseline)).ToList();
            if (isos.Count == results.Count && isos.Count > 0)
            {
                var isoHours = isos.Sum(i => i.Run.ReplicaHours);
                var isoSloMin = isos.Sum(i => i.Run.SloViolationMinutes);
                yield return ($"iso-SLO: wpai needs >= 20 % fewer replica-h than {baseline} tuned (on training) to wpai's SLO",
                    string.Create(c, $"wpai {wt.Hours:0.0} h / {wt.Violation:0.00} min vs {baseline}@{string.Join('/', isos.Select(i => i.TargetUtilization.ToString("0.##", c)))} {isoHours:0.0} h / {isoSloMin:0.00} min: {1 - (wt.Hours / isoHours):P1} fewer{BestPossible(results, isoHours)}"),
                    wt.Hours <= 0.8 * isoHours + 1e-9);
            }

            var ats = results.Where(r => !r.WpaiAtSlo.IsDefault).SelectMany(r => r.WpaiAtSlo.Where(a => a.Baseline == baseline)).ToList();
            if (ats.Count == results.Count && ats.Count > 0)
            {
                var atHours = ats.Sum(a => a.Run.ReplicaHours);
                var atMin = ats.Sum(a => a.Run.SloViolationMinutes);
                yield return ($"iso-SLO, other direction: wpai tuned (on training) to {baseline}'s SLO needs >= 20 % fewer replica-h than {baseline}, at no more SLO min",
                    string.Create(c, $"wpai@{baseline}-slo {atHours:0.0} h / {atMin:0.00} min vs {baseline} {bt.Hours:0.0} h / {bt.Violation:0.00} min: {1 - (atHours / bt.Hours):P1} fewer{BestPossible(results, bt.Hours)}"),
                    atHours <= 0.8 * bt.Hours + 1e-9 && atMin <= bt.Violation + 1e-9);
            }
        }
    }

    /// <summary>The largest saving against <paramref name="hours"/> any autoscaler could have: the oracle bound's (perfect foresight, no start-up, full utilization).</summary>
    private static string BestPossible(IReadOnlyList<SeriesResult> results, double hours)
    {
        if (results.Any(r => r.Oracle is null) || !(hours > 0))
        {
            return string.Empty;
        }

        var oracle = results.Sum(r => r.Oracle!.ReplicaHours);
        return string.Create(CultureInfo.InvariantCulture, $" (the oracle bound, {oracle:0.0} h, is {1 - (oracle / hours):P1} fewer: no autoscaler can save more)");
    }

    private static JsonObject RunJson(PolicyRun run) => new()
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
    };

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
        sb.AppendLine(c, $"Peak {options.PeakQps} QPS, {options.CapacityQps} QPS per replica, target utilization {options.TargetUtilization}, start-up delay {options.StartupDelay.TotalSeconds} s, demand {options.WithinStep switch { LoadBetweenPoints.Hold => "held at each point's value until the next", LoadBetweenPoints.Centre => "linear between the middles of the points' steps", _ => "linear between the series' points" }}, controllers every {options.Tick.TotalSeconds} s on a {options.MetricWindow.TotalSeconds} s metric window; trained on the first {options.TrainFraction:P0}, evaluated on the rest; wpai-q0.9 provisions for {(options.ForecastQuantile is { } q ? $"the q{q:0.##} of its forecast" : "its mean forecast")}; wpai's settings are chosen per series on the last {options.ValidationFraction:P0} of the training part.");
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
        sb.AppendLine(c, $"Beside the policies: the iso-SLO runs (`BASELINE@u`: the baseline tuned to wpai's SLO; `wpai@BASELINE-slo`: wpai tuned to the baseline's SLO, both on the validation split) and `{OracleBound.Name}` (exactly the replicas the demand needs at full utilization, known in advance, ready at once: the fewest replica-hours any autoscaler can have without a violation minute).");
        sb.AppendLine();
        sb.AppendLine("| series | policy | SLO-violation min | replica-hours | scale events | peak replicas |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            foreach (var run in r.Runs.Concat(r.ComparisonRuns))
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
        sb.AppendLine("## wpai settings (chosen on the validation split of the training part) and iso-SLO baselines");
        sb.AppendLine();
        foreach (var r in results)
        {
            sb.AppendLine(c, $"- {r.Series}: {r.Wpai?.Describe() ?? "n/a"}{string.Concat((r.IsoSlo.IsDefault ? [] : r.IsoSlo).Select(i => string.Create(c, $"; {i.Run.Policy}: {i.Run.SloViolationMinutes:0.00} min / {i.Run.ReplicaHours:0.0} h")))}{string.Concat((r.WpaiAtSlo.IsDefault ? [] : r.WpaiAtSlo).Select(a => string.Create(c, $"; {a.Run.Policy} ({a.Settings.Describe()}): {a.Run.SloViolationMinutes:0.00} min / {a.Run.ReplicaHours:0.0} h")))}");
        }

        sb.AppendLine();
        sb.AppendLine("## Targets");
        sb.AppendLine();
        sb.AppendLine("| target | measured | met |");
        sb.AppendLine("|---|---|---|");
        foreach (var (target, measured, met) in Targets(results, options))
        {
            sb.AppendLine(c, $"| {target} | {measured} | {(met ? "yes" : "**no**")} |");
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
