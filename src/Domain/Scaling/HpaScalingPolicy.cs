namespace WPAI.Domain.Scaling;

/// <summary>One HPA rate policy: at most <paramref name="Value"/> pods (or percent) per <paramref name="Period"/>.</summary>
public sealed record HpaScalingPolicy(HpaPolicyType Type, int Value, TimeSpan Period);
