using System.Collections.Immutable;
using WPAI.Forecasting;

namespace WPAI.Simulation.Inference;

/// <summary>
/// Chooses the <c>wpai</c> settings of one series on its training part only: the last
/// <see cref="InferenceSimulationOptions.ValidationFraction"/> of the training part is replayed through the grain (the
/// forecaster trained on what comes before it) with <c>hpa</c> and with each candidate (forecast quantile × forecast
/// utilization, every mechanism on); the cheapest candidate in replica-hours whose SLO-violation minutes stay within the
/// budget (<see cref="InferenceSimulationOptions.SloBudget"/> × HPA's on the same part) wins; if none does, the one with
/// the fewest violation minutes.
/// </summary>
public static class WpaiTuner
{
    public static ImmutableArray<(double? Quantile, double? Utilization)> Candidates { get; } =
        [(0.9, null), (0.75, 0.9), (0.9, 0.9), (0.95, 0.9), (0.99, 0.9)];

    public static async Task<(WpaiSettings Chosen, ImmutableArray<PolicyRun> Validation)> TuneAsync(
        LoadSeries series, int evalStart, int staticReplicas, int maxReplicas, InferenceSimulationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var training = series.Slice(0, evalStart); // nothing of the evaluation part
        var validationStart = evalStart - (int)Math.Floor(evalStart * options.ValidationFraction);
        var runs = ImmutableArray.CreateBuilder<PolicyRun>();
        var (hpa, _) = await GrainInferenceReplay.RunAsync(training, validationStart, "hpa", staticReplicas, maxReplicas, options, cancellationToken: cancellationToken);
        runs.Add(hpa with { Policy = "validation:hpa" });
        var budget = hpa.SloViolationMinutes * options.SloBudget;
        (WpaiSettings Settings, PolicyRun Run)? best = null;
        foreach (var (q, u) in Candidates)
        {
            var settings = WpaiPolicies.Full(q, u, options);
            var (run, _) = await GrainInferenceReplay.RunAsync(training, validationStart, "wpai", staticReplicas, maxReplicas, options, settings, cancellationToken);
            run = run with { Policy = $"validation:wpai {settings.Describe()}" };
            runs.Add(run);
            var better = best is not { } b
                || (Fits(run, budget) && (!Fits(b.Run, budget) || run.ReplicaHours < b.Run.ReplicaHours))
                || (!Fits(run, budget) && !Fits(b.Run, budget) && run.SloViolationMinutes < b.Run.SloViolationMinutes);
            if (better)
            {
                best = (settings, run);
            }
        }

        return (best!.Value.Settings, runs.ToImmutable());
    }

    private static bool Fits(PolicyRun run, double budget) => run.SloViolationMinutes <= budget + 1e-9;
}
