namespace WPAI.Domain.Scaling;

/// <summary>
/// Knative's Pod Autoscaler (KPA) decider settings with Knative's documented defaults (config-autoscaler): stable
/// window 60 s, panic window 10 % of it (6 s), panic threshold 200 %, max scale-up rate 1000, max scale-down rate 2,
/// no scale-down delay. The target per pod (Knative's target × target utilization, 70 % by default) comes with each
/// input.
/// </summary>
public sealed record KpaOptions
{
    public TimeSpan StableWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Knative's panic window (a percentage of the stable window, 10 % by default); the caller averages its panic value over it.</summary>
    public TimeSpan PanicWindow { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Panic when the panic-window pod count is at least this multiple of the ready pods (200 %: 2.0).</summary>
    public double PanicThreshold { get; init; } = 2.0;

    public double MaxScaleUpRate { get; init; } = 1000;

    public double MaxScaleDownRate { get; init; } = 2;

    /// <summary>Scale-downs take the highest count of this window (0: none).</summary>
    public TimeSpan ScaleDownDelay { get; init; } = TimeSpan.Zero;

    /// <summary>False when the revision receives no traffic (another revision took over): no scale-down rate limit.</summary>
    public bool Reachable { get; init; } = true;
}
