namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>
/// One scaling decision and why: the deciding metric with its observed value, forecast and target
/// (null metric for manual overrides and clamps), the replica counts before and after, and a readable reason.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.scaling-decision-view")]
public sealed record ScalingDecisionView(
    DateTimeOffset At,
    int FromReplicas,
    int ToReplicas,
    string Kind,
    ScalingMetric? Metric,
    double Observed,
    double? Forecast,
    double Target,
    string Reason)
{
    /// <summary>A decision no metric drove (deploy, manual, roll-out, replacement, back-off): no metric, observation or forecast.</summary>
    public static ScalingDecisionView WithoutMetric(DateTimeOffset at, int fromReplicas, int toReplicas, string kind, string reason) =>
        new(at, fromReplicas, toReplicas, kind, null, 0, null, 0, reason);
}
