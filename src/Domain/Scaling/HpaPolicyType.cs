namespace WPAI.Domain.Scaling;

/// <summary>The kind of an HPA scaling policy (<c>autoscaling/v2 HPAScalingPolicyType</c>).</summary>
public enum HpaPolicyType
{
    /// <summary>At most <c>Value</c> pods added or removed per period.</summary>
    Pods = 0,

    /// <summary>At most <c>Value</c> percent of the pods at the period's start added or removed per period.</summary>
    Percent = 1,
}
