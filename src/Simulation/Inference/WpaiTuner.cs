using System.Collections.Immutable;
using WPAI.Forecasting;

namespace WPAI.Simulation.Inference;

/// <summary>
/// Chooses the <c>wpai</c> settings of one series on its training part only: the last
/// <see cref="InferenceSimulationOptions.ValidationFraction"/> of the training part is replayed through the grain (the
/// forecaster trained on what comes before it) with <c>hpa</c>, with <c>kpa</c> and with each candidate
/// (<see cref="Candidates"/>: forecast quantile × forecast utilization × reactive base, every mechanism on, and the KPA
/// base with periodicity detection off, the forecast then always on, and the KPA base with the trend look-ahead at the
/// spec's target and at 0.75, 0.8 and 0.9 of capacity). A candidate is admissible when its replica-hours there are at
/// most the fewer of HPA's and KPA's (the goal asks no more hours than either reactive baseline); among the admissible
/// ones the cheapest whose SLO-violation minutes stay within the budget
/// (<see cref="InferenceSimulationOptions.SloBudget"/> × the fewer of HPA's and KPA's minutes: the goal is to halve the
/// violations of the stronger reactive baseline, not only HPA's) wins, else the one with the fewest violation minutes
/// (ties: the cheaper). With no admissible candidate the same rule runs over all of them.
/// </summary>
public static class WpaiTuner
{
    /// <summary>
    /// Quantile, forecast utilization (null: the spec's target), KPA as the reactive base, periodicity detection, the
    /// trend look-ahead (<see cref="WPAI.Domain.Scaling.ProvisioningOptions.TrendLookAhead"/>, one start-up delay) and the
    /// KPA's utilization with it (null: the spec's target). A hotter KPA with the forecast
    /// (<see cref="WPAI.Domain.Scaling.ProvisioningOptions.ReactiveUtilization"/> 0.8, 0.9 without the trend) was measured
    /// as candidates and left out: README, "Autoscaling".
    /// </summary>
    public static ImmutableArray<(double? Quantile, double? Utilization, bool Kpa, bool Periodicity, bool Trend, double? ReactiveUtilization)> Candidates { get; } =
    [
        (0.9, null, false, true, false, null), (0.75, 0.9, false, true, false, null), (0.9, 0.9, false, true, false, null), (0.95, 0.9, false, true, false, null), (0.99, 0.9, false, true, false, null),
        (0.9, null, true, true, false, null), (0.75, 0.9, true, true, false, null), (0.9, 0.9, true, true, false, null), (0.95, 0.9, true, true, false, null), (0.99, 0.9, true, true, false, null),
        (null, 0.9, true, false, false, null), (0.5, 0.9, true, false, false, null), (0.75, 0.9, true, false, false, null), (0.9, 0.9, true, false, false, null), (0.95, 0.9, true, false, false, null),
        (null, null, true, false, false, null), (0.5, null, true, false, false, null),
        (0.75, 0.9, true, true, true, null), (0.75, 0.9, true, true, true, 0.75), (0.75, 0.9, true, true, true, 0.8), (0.75, 0.9, true, true, true, 0.9),
    ];

    public static async Task<(WpaiSettings Chosen, ImmutableArray<PolicyRun> Validation, ImmutableArray<(WpaiSettings Settings, PolicyRun Run)> Tried)> TuneAsync(
        LoadSeries series, int evalStart, int staticReplicas, int maxReplicas, InferenceSimulationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var training = series.Slice(0, evalStart); // nothing of the evaluation part
        var validationStart = evalStart - (int)Math.Floor(evalStart * options.ValidationFraction);
        var runs = ImmutableArray.CreateBuilder<PolicyRun>();
        var (hpa, _) = await GrainInferenceReplay.RunAsync(training, validationStart, "hpa", staticReplicas, maxReplicas, options, cancellationToken: cancellationToken);
        runs.Add(hpa with { Policy = "validation:hpa" });
        var (kpaRun, _) = await GrainInferenceReplay.RunAsync(training, validationStart, "kpa", staticReplicas, maxReplicas, options, cancellationToken: cancellationToken);
        runs.Add(kpaRun with { Policy = "validation:kpa" });
        var tried = new List<(WpaiSettings Settings, PolicyRun Run)>();
        foreach (var (q, u, kpa, periodicity, trend, reactive) in Candidates)
        {
            var settings = WpaiPolicies.Full(q, u, options, kpa, periodicity, trend, reactive);
            var (run, _) = await GrainInferenceReplay.RunAsync(training, validationStart, "wpai", staticReplicas, maxReplicas, options, settings, cancellationToken);
            run = run with { Policy = $"validation:wpai {settings.Describe()}" };
            runs.Add(run);
            tried.Add((settings, run));
        }

        return (Choose(tried, hpa, kpaRun, options.SloBudget), runs.ToImmutable(), [.. tried]);
    }

    /// <summary>The rule of <see cref="WpaiTuner"/> over candidates already replayed on the validation part (in candidate order; ties keep the first).</summary>
    public static WpaiSettings Choose(IReadOnlyList<(WpaiSettings Settings, PolicyRun Run)> tried, PolicyRun hpa, PolicyRun kpa, double sloBudget)
    {
        ArgumentNullException.ThrowIfNull(tried);
        ArgumentNullException.ThrowIfNull(hpa);
        ArgumentNullException.ThrowIfNull(kpa);
        return Cheapest(tried, Math.Min(hpa.ReplicaHours, kpa.ReplicaHours), Math.Min(hpa.SloViolationMinutes, kpa.SloViolationMinutes) * sloBudget).Settings;
    }

    /// <summary>
    /// The candidate tuned to a baseline's SLO (the other direction of the iso-SLO comparison): the cheapest on the
    /// validation part whose SLO-violation minutes there are at most the baseline's, else the fewest minutes (ties: the
    /// cheaper), with its validation run. No hours condition: the question is what wpai costs at the baseline's SLO.
    /// </summary>
    public static (WpaiSettings Settings, PolicyRun Run) ChooseAtSlo(IReadOnlyList<(WpaiSettings Settings, PolicyRun Run)> tried, PolicyRun baseline)
    {
        ArgumentNullException.ThrowIfNull(tried);
        ArgumentNullException.ThrowIfNull(baseline);
        return Cheapest(tried, double.PositiveInfinity, baseline.SloViolationMinutes);
    }

    private static (WpaiSettings Settings, PolicyRun Run) Cheapest(IReadOnlyList<(WpaiSettings Settings, PolicyRun Run)> tried, double maxHours, double budget)
    {
        var admissible = tried.Where(t => t.Run.ReplicaHours <= maxHours + 1e-9).ToList();
        var pool = admissible.Count > 0 ? admissible : [.. tried];
        (WpaiSettings Settings, PolicyRun Run)? best = null;
        foreach (var t in pool)
        {
            var better = best is not { } b
                || (Fits(t.Run, budget) && (!Fits(b.Run, budget) || t.Run.ReplicaHours < b.Run.ReplicaHours))
                || (!Fits(t.Run, budget) && !Fits(b.Run, budget)
                    && (t.Run.SloViolationMinutes < b.Run.SloViolationMinutes
                        || (t.Run.SloViolationMinutes == b.Run.SloViolationMinutes && t.Run.ReplicaHours < b.Run.ReplicaHours)));
            if (better)
            {
                best = t;
            }
        }

        return best ?? throw new ArgumentException("no candidate was replayed", nameof(tried));
    }

    private static bool Fits(PolicyRun run, double budget) => run.SloViolationMinutes <= budget + 1e-9;
}
