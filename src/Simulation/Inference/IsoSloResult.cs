namespace WPAI.Simulation.Inference;

/// <summary>
/// An iso-SLO comparison on one series: the baseline's target utilization tuned on the validation split (training part
/// only) to the highest of the candidates whose SLO-violation minutes there are at most <c>wpai</c>'s, then replayed on
/// the evaluation part (<paramref name="Run"/>, policy <c>BASELINE@utilization</c>).
/// </summary>
public sealed record IsoSloResult(string Baseline, double TargetUtilization, double ValidationViolationMinutes, double WpaiValidationViolationMinutes, PolicyRun Run);
