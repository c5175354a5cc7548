namespace WPAI.Domain.Scaling;

/// <summary>
/// One HPA sync: <paramref name="CurrentReplicas"/> pods exist, <paramref name="ReadyReplicas"/> of them report the
/// metric (the others are starting and have none yet: "missing" pods), whose sum over ready pods is
/// <paramref name="MetricSum"/>; <paramref name="TargetPerPod"/> is the target average value (a Pods metric).
/// </summary>
public sealed record HpaInput(
    DateTimeOffset Now,
    int CurrentReplicas,
    int ReadyReplicas,
    double MetricSum,
    double TargetPerPod,
    int MinReplicas,
    int MaxReplicas);
