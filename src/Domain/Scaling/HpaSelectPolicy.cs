namespace WPAI.Domain.Scaling;

/// <summary>How the HPA combines several policies of one direction (<c>autoscaling/v2 ScalingPolicySelect</c>).</summary>
public enum HpaSelectPolicy
{
    /// <summary>The policy that allows the biggest change (the default).</summary>
    Max = 0,

    /// <summary>The policy that allows the smallest change.</summary>
    Min = 1,

    /// <summary>No scaling in this direction.</summary>
    Disabled = 2,
}
