using System.Collections.Immutable;
using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Domain.Scaling;

/// <summary>
/// The outcome of one evaluation: the replica count to run, why (kind, deciding metric, observed, forecast, target,
/// a readable reason) and the stabilization window to keep for the next evaluation.
/// </summary>
public sealed record ScalingDecision(
    DateTimeOffset At,
    int FromReplicas,
    int ToReplicas,
    ScalingDecisionKind Kind,
    ScalingMetric? Metric,
    double Observed,
    double? Forecast,
    double Target,
    string Reason,
    ImmutableList<Recommendation> Recent)
{
    public bool Changed => ToReplicas != FromReplicas;

    public ScalingDecisionView ToView() =>
        new(At, FromReplicas, ToReplicas, Kind.ToString(), Metric, Observed, Forecast, Target, Reason);
}
