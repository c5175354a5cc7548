namespace WPAI.Domain.Scaling;

/// <summary>
/// Kubernetes HorizontalPodAutoscaler (autoscaling/v2) settings with Kubernetes' defaults: 10 % tolerance, and the
/// default behavior (<see cref="HpaScalingRules.DefaultScaleUp"/>, <see cref="HpaScalingRules.DefaultScaleDown"/>).
/// </summary>
public sealed record HpaOptions
{
    /// <summary>No change while the usage ratio is within [1 − this, 1 + this] (<c>--horizontal-pod-autoscaler-tolerance</c>).</summary>
    public double Tolerance { get; init; } = 0.1;

    public HpaScalingRules ScaleUp { get; init; } = HpaScalingRules.DefaultScaleUp;

    public HpaScalingRules ScaleDown { get; init; } = HpaScalingRules.DefaultScaleDown;

    /// <summary>How often the controller runs (<c>--horizontal-pod-autoscaler-sync-period</c>).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);
}
