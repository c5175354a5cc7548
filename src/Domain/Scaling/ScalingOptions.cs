namespace WPAI.Domain.Scaling;

/// <summary>
/// Settings of WPAI's scaling policy (README, "Autoscaling").
/// </summary>
public sealed record ScalingOptions
{
    /// <summary>No change while every metric's ratio to its target is within 1 ± this (default 0.1).</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary>A scale-down keeps the highest recommendation of this window (default 300 s).</summary>
    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Use the forecast: scale up on max(observed, forecast), scale down only when the forecast is low too.
    /// False gives the <c>reactive</c> policy (the same formula on observations only).
    /// </summary>
    public bool UseForecast { get; init; } = true;

    /// <summary>
    /// Never contract below the count that would put a metric back above its tolerance band
    /// (<c>max(floor(r·N), ceil(r·N / (1 + tolerance)))</c>); stops the floor formula from flapping. Default on.
    /// </summary>
    public bool ContractionGuard { get; init; } = true;

    /// <summary>The options of the policy without forecasts.</summary>
    public static ScalingOptions Reactive { get; } = new() { UseForecast = false };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad setting.</summary>
    public ScalingOptions Validate()
    {
        if (!(Tolerance >= 0 && Tolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "tolerance must be in [0, 1); 0.1 is the usual value");
        }

        if (ScaleDownStabilization < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ScaleDownStabilization), ScaleDownStabilization, "the stabilization window cannot be negative");
        }

        return this;
    }
}
