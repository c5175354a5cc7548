namespace WPAI.Simulation.Inference;

/// <summary>
/// The other direction of the iso-SLO comparison on one series: <c>wpai</c>'s settings chosen on the validation split
/// (training part only) as the cheapest candidate whose SLO-violation minutes there are at most the baseline's
/// (<see cref="WpaiTuner.ChooseAtSlo"/>), replayed on the evaluation part (<paramref name="Run"/>, policy
/// <c>wpai@BASELINE-slo</c>) and compared with the baseline at its own settings.
/// </summary>
public sealed record WpaiAtSloResult(string Baseline, WpaiSettings Settings, double BaselineValidationMinutes, double WpaiValidationMinutes, PolicyRun Run);
