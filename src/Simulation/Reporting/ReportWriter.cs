using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using WPAI.Simulation.Metrics;

namespace WPAI.Simulation.Reporting;

/// <summary>Writes <c>report.json</c>, <c>report.md</c> and the PNG plots of a <see cref="SimulationReport"/> into a folder.</summary>
public static class ReportWriter
{
    public const string Baseline = "static-quota";

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes everything and returns the paths written.</summary>
    public static IReadOnlyList<string> Write(SimulationReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        return [WriteJson(report, directory), WriteMarkdown(report, directory), .. ReportPlots.Write(report, directory)];
    }

    /// <summary>
    /// Writes the same files as <see cref="Write"/>, <c>report.json</c> and <c>report.md</c> on another thread while the
    /// plots are drawn (independent files: a short command on two cores waits for the longer of the two), and returns
    /// the paths written in the same order.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(SimulationReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var texts = Task.Run(() => (Json: WriteJson(report, directory), Markdown: WriteMarkdown(report, directory)));
        var plots = ReportPlots.Write(report, directory);
        var (json, md) = await texts;
        return [json, md, .. plots];
    }

    private static string WriteJson(SimulationReport report, string directory)
    {
        var path = Path.Combine(directory, "report.json");
        File.WriteAllText(path, ToJson(report));
        return path;
    }

    private static string WriteMarkdown(SimulationReport report, string directory)
    {
        var path = Path.Combine(directory, "report.md");
        File.WriteAllText(path, ToMarkdown(report));
        return path;
    }

    public static string ToJson(SimulationReport report) => JsonSerializer.Serialize(report, JsonOptions);

    public static SimulationReport? FromJson(string json) => JsonSerializer.Deserialize<SimulationReport>(json, JsonOptions);

    public static string ToMarkdown(SimulationReport report)
    {
        var w = report.Workload;
        var sb = new StringBuilder();
        sb.AppendLine("# WPAI simulation report").AppendLine();
        sb.AppendLine(Inv($"Workload `{w.Source}`, seed {w.Seed}, fleet scale {w.FleetScale}, quota mode `{w.QuotaMode}`, max duration {w.MaxDurationSeconds / 86400:0.##} d.")).AppendLine();
        sb.AppendLine(Inv($"- {w.Jobs:N0} jobs replayed on {w.Nodes:N0} nodes ({w.FleetGpus:N0} GPUs, {w.FleetCpuMilli / 1000.0:N0} CPU cores) in {w.Pools.Length} pools: {string.Join(", ", w.Pools.Select(p => Inv($"{p.Pool} {p.Gpus} GPUs/{p.Nodes} nodes")))}."));
        sb.AppendLine(Inv($"- Left out as long-running services (longer than the max duration): {w.ExcludedJobs:N0} jobs holding {w.ExcludedGpuTimeShare:P1} of the trace's GPU-time."));
        sb.AppendLine(Inv($"- Left out as CPU-only pods (no GPU; WPAI's training pools are GPU pools): {w.ExcludedCpuOnlyJobs:N0} jobs."));
        sb.AppendLine(Inv($"- Left out as unplaceable on the scaled fleet (no kept node of an acceptable model is large enough): {w.ExcludedUnplaceableJobs:N0} jobs."));
        sb.AppendLine(Inv($"- Jobs that accept any GPU model: {w.AnyModelJobs:N0}. Offered load at the trace's own pace: {w.NaturalOfferedLoad:0.000} (arrival window {w.ArrivalWindowHoursAtNaturalPace:N1} h)."));
        sb.AppendLine(Inv($"- Recurring templates: {w.TemplatedJobs:N0} jobs repeat {w.Templates:N0} templates ({w.Recurrence})."));
        sb.AppendLine(w.DeclaredOverestimate > 1
            ? Inv($"- Declared run times (what backfilling trusts): each job's duration × a seeded factor uniform on [1, {w.DeclaredOverestimate:0.##}]; the replay runs it for its duration.")
            : "- Declared run times (what backfilling trusts): each job declares its true duration.");
        sb.AppendLine(Inv($"- {w.Departments.Length} departments; quotas per pool: {string.Join("; ", w.Quotas.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => q.Key + " " + string.Join("/", w.Departments.Select(d => q.Value[d]))))}."));
        sb.AppendLine().AppendLine("## Assumptions").AppendLine();
        foreach (var a in report.Assumptions)
        {
            sb.AppendLine("- " + a);
        }

        sb.AppendLine().AppendLine("## Results").AppendLine();
        sb.AppendLine(ResultsTable(report.Runs));
        var gains = GainsTable(report.Runs);
        if (gains.Length > 0)
        {
            sb.AppendLine().AppendLine(Inv($"## Gains against `{Baseline}`")).AppendLine();
            sb.AppendLine("Ratios of each policy's metric to static-quota's at the same offered load (utilization: higher is better; p95 wait: lower is better).").AppendLine();
            sb.AppendLine(gains);
            sb.AppendLine(TargetVerdict(report.Runs));
        }

        var fairness = EvidenceTables.FairnessTable(report.Runs);
        if (fairness.Length > 0)
        {
            sb.AppendLine().AppendLine("## Fairness").AppendLine();
            sb.AppendLine("Per department: the share of its entitlement it received (entitlement = at each moment min(owned GPUs, GPUs its pending and running jobs ask) per preferred pool), its share of the GPU-time given out, and its owned share of the fleet; Jain's index over the entitlement shares.").AppendLine();
            sb.AppendLine(fairness);
        }

        var sustainable = EvidenceTables.SustainableTable(report.SustainableLoad);
        if (sustainable.Length > 0)
        {
            sb.AppendLine().AppendLine("## Sustainable load").AppendLine();
            sb.AppendLine("Sustained: " + report.SustainableCriteria + ".").AppendLine();
            sb.AppendLine(sustainable);
        }

        sb.AppendLine().AppendLine("## Targets").AppendLine();
        sb.AppendLine(EvidenceTables.TargetsTable(report));

        sb.AppendLine().AppendLine("## Plots").AppendLine();
        foreach (var plot in ReportPlots.Names(report))
        {
            sb.AppendLine(Inv($"![{plot}]({plot})"));
        }

        return sb.ToString();
    }

    public static string ResultsTable(IReadOnlyList<RunMetrics> runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| policy | load | GPU util | GPU alloc | CPU util | CPU alloc | wait p50 | wait p95 | wait p99 | JCT p50 | done in window | never started | preempt | fallback | backlog GPU-h | frag | right-sized | stretched | CPU right-sized | wall s | events/s |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs.OrderBy(r => r.OfferedLoad).ThenBy(r => r.Policy, StringComparer.Ordinal))
        {
            sb.AppendLine(Inv(
                $"| {r.Policy} | {r.OfferedLoad:0.00} | {r.GpuUtilization:P1} | {r.GpuAllocation:P1} | {r.CpuUtilization:P1} | {r.CpuAllocation:P1} | {Duration(r.WaitP50Seconds)} | {Duration(r.WaitP95Seconds)} | {Duration(r.WaitP99Seconds)} | {Duration(r.JctP50Seconds)} | {r.JobsCompleted:N0} | {r.JobsNeverStarted:N0} | {r.Preemptions:N0} | {r.FallbackPlacements:N0} | {r.BacklogGpuHours:N0} | {r.Fragmentation:P1} | {r.RightSizedStarts:N0} | {r.StretchedStarts:N0} | {r.CpuRightSizedStarts:N0} | {r.WallSeconds:0.0} | {r.EventsPerSecond:N0} |"));
        }

        return sb.ToString();
    }

    public static string GainsTable(IReadOnlyList<RunMetrics> runs)
    {
        var baselines = runs.Where(r => r.Policy == Baseline).ToDictionary(r => Math.Round(r.OfferedLoad, 3));
        var others = runs.Where(r => r.Policy != Baseline && baselines.ContainsKey(Math.Round(r.OfferedLoad, 3))).ToList();
        if (others.Count == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        sb.AppendLine("| policy | load | GPU util × | CPU util × | GPU alloc × | p95 wait × |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in others.OrderBy(r => r.OfferedLoad).ThenBy(r => r.Policy, StringComparer.Ordinal))
        {
            var b = baselines[Math.Round(r.OfferedLoad, 3)];
            sb.AppendLine(Inv($"| {r.Policy} | {r.OfferedLoad:0.00} | {Ratio(r.GpuUtilization, b.GpuUtilization)} | {Ratio(r.CpuUtilization, b.CpuUtilization)} | {Ratio(r.GpuAllocation, b.GpuAllocation)} | {Ratio(r.WaitP95Seconds, b.WaitP95Seconds)} |"));
        }

        return sb.ToString();
    }

    /// <summary>States, with the numbers, whether wpai reached the reference's gains (≥ 1.51× GPU, ≥ 1.38× CPU, lower p95 wait) at load 0.9.</summary>
    public static string TargetVerdict(IReadOnlyList<RunMetrics> runs)
    {
        var wpai = runs.FirstOrDefault(r => r.Policy == "wpai" && Math.Abs(r.OfferedLoad - 0.9) < 0.005);
        var baseline = runs.FirstOrDefault(r => r.Policy == Baseline && Math.Abs(r.OfferedLoad - 0.9) < 0.005);
        if (wpai is null || baseline is null)
        {
            return "The reference target (at offered load 0.9) was not evaluated: this run has no wpai and static-quota pair at load 0.9.";
        }

        var gpu = baseline.GpuUtilization > 0 ? wpai.GpuUtilization / baseline.GpuUtilization : double.PositiveInfinity;
        var cpu = baseline.CpuUtilization > 0 ? wpai.CpuUtilization / baseline.CpuUtilization : double.PositiveInfinity;
        var met = gpu >= 1.51 && cpu >= 1.38 && wpai.WaitP95Seconds < baseline.WaitP95Seconds;
        return Inv($"Target at offered load 0.9 (58.com: ≥ 1.51× GPU and ≥ 1.38× CPU utilization, lower p95 wait): **{(met ? "met" : "not met")}** — wpai/static-quota GPU utilization {gpu:0.00}×, CPU utilization {cpu:0.00}×, p95 wait {Duration(wpai.WaitP95Seconds)} vs {Duration(baseline.WaitP95Seconds)}.");
    }

    public static string Duration(double seconds) => seconds switch
    {
        < 120 => Inv($"{seconds:0}s"),
        < 7200 => Inv($"{seconds / 60:0.0}m"),
        < 172800 => Inv($"{seconds / 3600:0.0}h"),
        _ => Inv($"{seconds / 86400:0.0}d"),
    };

    private static string Ratio(double value, double baseline) => baseline > 0 ? Inv($"{value / baseline:0.00}") : "–";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
