namespace WPAI.Simulation.Mixing;

/// <summary>
/// The targets and their verdicts, each printed against the measured number: every lending policy is held to
/// lentShare ≥ 65 % with killRate ≤ 1.0 % (the reference reported 65 % at 1.5 %), to no more SLO-violation minutes than
/// <c>no-mixing</c>, and to Lyra's figures against <c>no-mixing</c>: training queueing delay (mean) at least 1.5× lower
/// and cluster GPU usage at least 25 % higher. Without a <c>no-mixing</c> run the comparisons are "not measured".
/// </summary>
public static class MixingTargets
{
    public const double MinLentShare = 0.65;
    public const double MaxKillRate = 0.01;
    public const double MinQueueDelayReduction = 1.5;
    public const double MinClusterUsageGain = 1.25;

    /// <summary>The verdict lines of the runs (one per target and lending policy).</summary>
    public static IReadOnlyList<(string Policy, string Target, bool? Met, string Measured)> Verdicts(IReadOnlyList<MixingRunMetrics> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var result = new List<(string, string, bool?, string)>();
        var noMixing = runs.FirstOrDefault(r => r.Policy == MixingPolicies.NoMixing.Name && r.Unavailable is null);
        foreach (var r in runs.Where(r => r.Policy != MixingPolicies.NoMixing.Name))
        {
            if (r.Unavailable is not null)
            {
                result.Add((r.Policy, "lentShare ≥ 65 % with killRate ≤ 1.0 %", null, "not run: " + r.Unavailable));
                continue;
            }

            result.Add((r.Policy, "lentShare ≥ 65 % with killRate ≤ 1.0 %", r.LentShare >= MinLentShare && r.KillRate <= MaxKillRate, Inv($"lentShare {r.LentShare:P1}, killRate {r.KillRate:P2}")));
            if (r.Cpu is { } cpu)
            {
                result.Add((r.Policy, "CPU pool: lentShare ≥ 65 % with killRate ≤ 1.0 % (the same target, CPU jobs)", cpu.LentShare >= MinLentShare && cpu.KillRate <= MaxKillRate,
                    Inv($"lentShare CPU {cpu.LentShare:P1}, killRate CPU {cpu.KillRate:P2} ({cpu.Kills}/{cpu.StartsOnLent}, {cpu.LostCoreHours:0.#} core-h lost)")));
                if (noMixing?.Cpu is { } baseline)
                {
                    result.Add((r.Policy, "CPU pool: SLO-violation minutes ≤ no-mixing's", cpu.SloViolationMinutes <= baseline.SloViolationMinutes,
                        Inv($"{cpu.SloViolationMinutes:0} min vs {baseline.SloViolationMinutes:0} min")));
                }
            }

            if (noMixing is null)
            {
                result.Add((r.Policy, "against no-mixing (SLO minutes, queueing delay, cluster GPU usage)", null, "no no-mixing run"));
                continue;
            }

            result.Add((r.Policy, "SLO-violation minutes ≤ no-mixing's", r.SloViolationMinutes <= noMixing.SloViolationMinutes,
                Inv($"{r.SloViolationMinutes:0} min vs {noMixing.SloViolationMinutes:0} min")));
            var delay = QueueDelayReduction(r, noMixing);
            result.Add((r.Policy, "training queueing delay (mean) ≥ 1.5× lower than no-mixing's", delay is { } d ? d >= MinQueueDelayReduction : null,
                Inv($"{Hours(r.QueueDelayMeanSeconds)} vs {Hours(noMixing.QueueDelayMeanSeconds)}: {Times(delay)} lower (p95 {Hours(r.QueueDelayP95Seconds)} vs {Hours(noMixing.QueueDelayP95Seconds)})")));
            var usage = ClusterUsageGain(r, noMixing);
            result.Add((r.Policy, "cluster GPU usage ≥ +25 % over no-mixing's", usage is { } u ? u >= MinClusterUsageGain : null,
                Inv($"{r.ClusterGpuUsage:P1} vs {noMixing.ClusterGpuUsage:P1}: {(usage is { } g ? Inv($"{g - 1:+0.0%;-0.0%}") : "n/a")}")));
        }

        return result;
    }

    /// <summary>no-mixing's mean queueing delay / this run's (how many times lower); null when either is zero.</summary>
    public static double? QueueDelayReduction(MixingRunMetrics run, MixingRunMetrics noMixing)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(noMixing);
        return run.QueueDelayMeanSeconds > 0 && noMixing.QueueDelayMeanSeconds > 0 ? noMixing.QueueDelayMeanSeconds / run.QueueDelayMeanSeconds : null;
    }

    /// <summary>This run's cluster GPU usage / no-mixing's; null when no-mixing's is zero.</summary>
    public static double? ClusterUsageGain(MixingRunMetrics run, MixingRunMetrics noMixing)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(noMixing);
        return noMixing.ClusterGpuUsage > 0 ? run.ClusterGpuUsage / noMixing.ClusterGpuUsage : null;
    }

    /// <summary>This run's cluster CPU usage (the CPU pools) / no-mixing's; null without CPU pools or when no-mixing's is zero.</summary>
    public static double? ClusterCpuUsageGain(MixingRunMetrics run, MixingRunMetrics noMixing)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(noMixing);
        return run.Cpu is { } r && noMixing.Cpu is { } n && n.ClusterCpuUsage > 0 ? r.ClusterCpuUsage / n.ClusterCpuUsage : null;
    }

    /// <summary>no-mixing's median JCT / this run's; null when either is zero.</summary>
    public static double? JctReduction(MixingRunMetrics run, MixingRunMetrics noMixing)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(noMixing);
        return run.JctP50Seconds > 0 && noMixing.JctP50Seconds > 0 ? noMixing.JctP50Seconds / run.JctP50Seconds : null;
    }

    public static string Word(bool? met) => met switch { true => "**met**", false => "**missed**", null => "not measured" };

    private static string Hours(double seconds) => Inv($"{seconds / 3600:0.0} h");

    private static string Times(double? ratio) => ratio is { } x ? Inv($"{x:0.00}×") : "n/a";

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);
}
