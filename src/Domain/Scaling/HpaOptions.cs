namespace WPAI.Domain.Scaling;

/// <summary>
/// Kubernetes HorizontalPodAutoscaler (autoscaling/v2) defaults: 10 % tolerance, 300 s scale-down stabilization,
/// no scale-up stabilization, scale-up by at most max(4 pods, 100 %) per 15 s, scale-down by up to 100 % per 15 s.
/// </summary>
public sealed record HpaOptions
{
    public double Tolerance { get; init; } = 0.1;

    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromSeconds(300);

    public TimeSpan ScaleUpStabilization { get; init; } = TimeSpan.Zero;

    public int ScaleUpPods { get; init; } = 4;

    public int ScaleUpPercent { get; init; } = 100;

    public TimeSpan ScaleUpPeriod { get; init; } = TimeSpan.FromSeconds(15);

    public int ScaleDownPercent { get; init; } = 100;

    public TimeSpan ScaleDownPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the controller runs (<c>--horizontal-pod-autoscaler-sync-period</c>).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);
}
