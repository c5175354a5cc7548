using System.Collections.Immutable;
using WPAI.Forecasting;

namespace WPAI.Simulation.Inference;

/// <summary>
/// The iso-SLO comparison: a baseline's target utilization is tuned on the validation split of the training part (the
/// same split <see cref="WpaiTuner"/> uses) to the highest candidate whose SLO-violation minutes there are at most
/// <c>wpai</c>'s, and that setting is replayed on the evaluation part. HPA (or KPA) is tuned to wpai's SLO, not the
/// other way round.
/// </summary>
public static class IsoSlo
{
    public static ImmutableArray<double> Candidates { get; } = [0.5, 0.6, 0.7, 0.8, 0.9];

    public static async Task<IsoSloResult> RunAsync(
        LoadSeries series, int evalStart, string baseline, double wpaiValidationMinutes, int staticReplicas, int maxReplicas, InferenceSimulationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var training = series.Slice(0, evalStart);
        var validationStart = evalStart - (int)Math.Floor(evalStart * options.ValidationFraction);
        var chosen = Candidates[0];
        var chosenMinutes = double.NaN;
        foreach (var u in Candidates)
        {
            var (run, _) = await GrainInferenceReplay.RunAsync(training, validationStart, baseline, staticReplicas, maxReplicas, options with { TargetUtilization = u }, cancellationToken: cancellationToken);
            if (run.SloViolationMinutes <= wpaiValidationMinutes + 1e-9 || double.IsNaN(chosenMinutes))
            {
                (chosen, chosenMinutes) = (u, run.SloViolationMinutes);
            }
        }

        var (evaluation, _) = await GrainInferenceReplay.RunAsync(series, evalStart, baseline, staticReplicas, maxReplicas, options with { TargetUtilization = chosen }, cancellationToken: cancellationToken);
        return new IsoSloResult(baseline, chosen, chosenMinutes, wpaiValidationMinutes, evaluation with { Policy = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{baseline}@{chosen:0.##}") });
    }
}
