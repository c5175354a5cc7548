namespace WPAI.Domain.Scaling;

/// <summary>
/// What the forecaster says about a service's next minutes: the forecast QPS at +1…+H minutes after the newest
/// point (<paramref name="Path"/>, at least one value) and the provisioning uplift (≥ 1) to apply to it
/// (<see cref="ForecastUplift"/>; 1 without a quantile rule).
/// </summary>
public sealed record LoadOutlook(ImmutableArray<double> Path, double Uplift)
{
    /// <summary>The peak over the horizon times the uplift: what a scale-up provisions for.</summary>
    public double Peak => Path.Max() * Uplift;

    /// <summary>The lowest point over the horizon times the uplift: the valley a scale-down may follow.</summary>
    public double Valley => Path.Min() * Uplift;
}
