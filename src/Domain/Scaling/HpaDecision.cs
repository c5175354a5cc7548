namespace WPAI.Domain.Scaling;

/// <summary>The HPA's answer to one sync: the replica count, why, and the controller state to keep.</summary>
public sealed record HpaDecision(DateTimeOffset At, int FromReplicas, int ToReplicas, int MetricRecommendation, string Reason, HpaState Next)
{
    public bool Changed => ToReplicas != FromReplicas;
}
