namespace WPAI.Domain.Scaling;

/// <summary>
/// One HPA sync for a Pods metric: <paramref name="CurrentReplicas"/> pods exist (the scale's replicas);
/// <paramref name="ReadyReplicas"/> of them report the metric, whose sum over those pods is
/// <paramref name="MetricSum"/>; <paramref name="UnreadyReplicas"/> are Pending (Kubernetes leaves them out, and counts
/// them as 0 on a scale-up); the rest are running without a metric yet ("missing": 0 on a scale-up, the target on a
/// scale-down). <paramref name="TargetPerPod"/> is the target average value. Values are compared as Kubernetes does,
/// in integer milli-units.
/// </summary>
public sealed record HpaInput(
    DateTimeOffset Now,
    int CurrentReplicas,
    int ReadyReplicas,
    double MetricSum,
    double TargetPerPod,
    int MinReplicas,
    int MaxReplicas,
    int UnreadyReplicas = 0)
{
    /// <summary>Pods running without a metric.</summary>
    public int MissingReplicas => Math.Max(0, CurrentReplicas - ReadyReplicas - UnreadyReplicas);
}
