using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using WPAI.Simulation.Capacity;
using WPAI.Simulation.Metrics;

namespace WPAI.Simulation.Reporting;

/// <summary>
/// The report's evidence tables: per-department fairness (entitlement met, Jain's index), the sustainable load of each
/// policy with wpai's ratio to it, and every target of the comparison next to its measured value.
/// </summary>
public static class EvidenceTables
{
    public const string Subject = "wpai";

    /// <summary>The peers wpai is held against, with the ratio each target asks for (sustainable load; GPU and CPU utilization at 0.9 for static-quota).</summary>
    public static ImmutableArray<(string Policy, double SustainableRatio)> Peers { get; } =
        [("static-quota", 1.51), ("kueue", 1.2), ("yarn-capacity", 1.2)];

    public static string FairnessTable(IReadOnlyList<RunMetrics> runs)
    {
        var withFairness = runs.Where(r => r.Fairness is not null).OrderBy(r => r.OfferedLoad).ThenBy(r => r.Policy, StringComparer.Ordinal).ToList();
        if (withFairness.Count == 0)
        {
            return string.Empty;
        }

        var departments = withFairness[0].Fairness!.Departments.Select(d => d.Department).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("| policy | load | Jain's index | lowest met | " + string.Join(" | ", departments) + " |");
        sb.AppendLine("|---|---:|---:|---:|" + string.Concat(departments.Select(_ => "---:|")));
        foreach (var r in withFairness)
        {
            var f = r.Fairness!;
            sb.AppendLine(Inv($"| {r.Policy} | {r.OfferedLoad:0.00} | {f.JainIndex:0.000} | {f.MinEntitlementMet:P0} | ") + string.Join(" | ", f.Departments.Select(d => Inv($"{d.EntitlementMet:P0} ({d.GpuTimeShare:P0} of GPU-time, owns {d.OwnedShare:P0})"))) + " |");
        }

        return sb.ToString();
    }

    public static string SustainableTable(ImmutableArray<SustainableLoad> loads)
    {
        if (loads.IsDefaultOrEmpty)
        {
            return string.Empty;
        }

        var subject = loads.FirstOrDefault(l => l.Policy == Subject);
        var sb = new StringBuilder();
        sb.AppendLine("| policy | sustained load | first load not sustained | probes (load: p95 wait, backlog) | wpai ÷ this |");
        sb.AppendLine("|---|---:|---:|---|---:|");
        foreach (var l in loads)
        {
            var probes = string.Join("; ", l.Probes.Select(p => Inv($"{p.Load:0.00}: {ReportWriter.Duration(p.WaitP95Seconds)}, {p.BacklogShare:P1}{(p.Sustained ? " ✓" : " ✗")}")));
            sb.AppendLine(Inv($"| {l.Policy} | {Load(l)} | {(l.FirstUnsustained is { } u ? u.ToString("0.00", CultureInfo.InvariantCulture) : "–")} | {probes} | {Ratio(subject, l)} |"));
        }

        return sb.ToString();
    }

    /// <summary>Every target of the comparison with its measured value and verdict; a target whose runs are missing says so.</summary>
    public static string TargetsTable(SimulationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.AppendLine("| target | measured | verdict |");
        sb.AppendLine("|---|---|---|");
        var subject = report.SustainableLoad.IsDefaultOrEmpty ? null : report.SustainableLoad.FirstOrDefault(l => l.Policy == Subject);
        foreach (var (peer, wanted) in Peers)
        {
            var other = subject is null ? null : report.SustainableLoad.FirstOrDefault(l => l.Policy == peer);
            sb.AppendLine(subject is null || other is null
                ? Inv($"| sustainable load wpai ≥ {wanted:0.##}× {peer} | not measured (needs --sustainable with both policies) | – |")
                : Inv($"| sustainable load wpai ≥ {wanted:0.##}× {peer} | {Load(subject)} vs {Load(other)} = {Ratio(subject, other)} | {Verdict(RatioValue(subject, other) >= wanted)} |"));
        }

        var at = report.Runs.Where(r => Math.Abs(r.OfferedLoad - 0.9) < 0.005).ToList();
        var wpai = at.FirstOrDefault(r => r.Policy == Subject);
        var quota = at.FirstOrDefault(r => r.Policy == ReportWriter.Baseline);
        if (wpai is null || quota is null)
        {
            sb.AppendLine("| at load 0.9: GPU util ≥ 1.51× static-quota, CPU util ≥ 1.38× | not measured (needs wpai and static-quota at load 0.9) | – |");
        }
        else
        {
            var gpu = wpai.GpuUtilization / quota.GpuUtilization;
            var cpu = wpai.CpuUtilization / quota.CpuUtilization;
            sb.AppendLine(Inv($"| at load 0.9: GPU util ≥ 1.51× static-quota | {wpai.GpuUtilization:P1} vs {quota.GpuUtilization:P1} = {gpu:0.00}× | {Verdict(gpu >= 1.51)} |"));
            sb.AppendLine(Inv($"| at load 0.9: CPU util ≥ 1.38× static-quota | {wpai.CpuUtilization:P1} vs {quota.CpuUtilization:P1} = {cpu:0.00}× | {Verdict(cpu >= 1.38)} |"));
        }

        if (wpai is not null)
        {
            foreach (var other in at.Where(r => r.Policy != Subject && !r.Policy.StartsWith(Subject + "-", StringComparison.Ordinal)))
            {
                sb.AppendLine(Inv($"| at load 0.9: p95 wait lower than {other.Policy} | {ReportWriter.Duration(wpai.WaitP95Seconds)} vs {ReportWriter.Duration(other.WaitP95Seconds)} | {Verdict(wpai.WaitP95Seconds < other.WaitP95Seconds)} |"));
            }
        }

        foreach (var r in report.Runs.Where(r => r.Policy == Subject && r.Fairness is not null).OrderBy(r => r.OfferedLoad))
        {
            var worst = r.Fairness!.Departments.Where(d => d.EntitledGpuHours > 0).OrderBy(d => d.EntitlementMet).FirstOrDefault();
            sb.AppendLine(Inv($"| load {r.OfferedLoad:0.00}: no department below 80 % of its owned share while it has demand | lowest {r.Fairness.MinEntitlementMet:P0}{(worst is null ? string.Empty : " (" + worst.Department + ")")}, Jain {r.Fairness.JainIndex:0.000} | {Verdict(r.Fairness.MinEntitlementMet >= 0.8)} |"));
        }

        return sb.ToString();
    }

    private static string Load(SustainableLoad l) => l.Load > 0 ? Inv($"{l.Load:0.00}") : Inv($"< {l.FirstUnsustained:0.00}");

    private static double RatioValue(SustainableLoad? subject, SustainableLoad other) =>
        subject is null ? double.NaN : other.Load > 0 ? subject.Load / other.Load : subject.Load > 0 ? double.PositiveInfinity : double.NaN;

    private static string Ratio(SustainableLoad? subject, SustainableLoad other)
    {
        var r = RatioValue(subject, other);
        return double.IsNaN(r) ? "–" : double.IsPositiveInfinity(r) ? "∞ (peer sustains no grid load)" : Inv($"{r:0.00}×");
    }

    private static string Verdict(bool met) => met ? "**met**" : "**missed**";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
