namespace WPAI.Domain.Scaling;

/// <summary>
/// The provisioning mechanisms of the predictive rule, each on or off (README, "Autoscaling"): they decide how much
/// capacity a forecast buys. All off gives the plain rule on max(observed, forecast peak × uplift).
/// </summary>
public sealed record ProvisioningOptions
{
    /// <summary>Nothing extra: the plain predictive rule.</summary>
    public static ProvisioningOptions None { get; } = new();
}
