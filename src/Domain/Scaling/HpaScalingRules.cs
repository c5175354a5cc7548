namespace WPAI.Domain.Scaling;

/// <summary>
/// The HPA's behavior in one direction (<c>autoscaling/v2 HPAScalingRules</c>): the stabilization window, how several
/// policies combine, and the policies. The defaults are Kubernetes' (<c>GenerateHPAScaleUpRules</c> /
/// <c>GenerateHPAScaleDownRules</c> without user rules).
/// </summary>
public sealed record HpaScalingRules(TimeSpan Stabilization, HpaSelectPolicy Select, ImmutableArray<HpaScalingPolicy> Policies)
{
    /// <summary>Scale-up: no stabilization, the larger of +4 pods and +100 % per 15 s.</summary>
    public static HpaScalingRules DefaultScaleUp { get; } = new(
        TimeSpan.Zero, HpaSelectPolicy.Max, [new(HpaPolicyType.Pods, 4, TimeSpan.FromSeconds(15)), new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))]);

    /// <summary>Scale-down: 300 s stabilization, up to 100 % per 15 s.</summary>
    public static HpaScalingRules DefaultScaleDown { get; } = new(
        TimeSpan.FromSeconds(300), HpaSelectPolicy.Max, [new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))]);

    /// <summary>The longest policy period: older scale events never count again.</summary>
    public TimeSpan LongestPeriod => Policies.IsDefaultOrEmpty ? TimeSpan.Zero : Policies.Max(p => p.Period);
}
