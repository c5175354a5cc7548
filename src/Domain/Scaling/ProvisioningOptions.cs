namespace WPAI.Domain.Scaling;

/// <summary>
/// The provisioning mechanisms of the predictive rule, each on or off (README, "Autoscaling"): they decide how much
/// capacity a forecast buys and when it is given back. All off gives the plain rule on max(observed, forecast peak × uplift).
/// </summary>
public sealed record ProvisioningOptions
{
    /// <summary>Nothing extra: the plain predictive rule.</summary>
    public static ProvisioningOptions None { get; } = new();

    /// <summary>
    /// Burst detector (Knative's panic mode): when the newest report alone needs at least <see cref="PanicThreshold"/>
    /// times the ready replicas, scale on it instead of the window's mean, and do not scale down for
    /// <see cref="PanicHold"/> after the last such report. Replaces permanent headroom for sudden bursts.
    /// </summary>
    public bool BurstDetector { get; init; }

    public double PanicThreshold { get; init; } = 2.0;

    public TimeSpan PanicHold { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Knative's decider as the reactive part (Alibaba AHPA's "max of proactive and reactive", with the KPA as the
    /// reactive rule): the QPS recommendation is <see cref="KpaController"/>'s (60 s stable mean, panic on the newest
    /// report, at most halving per decision, no 300 s window) instead of the tolerance band and stabilization window;
    /// with a forecast the count is the larger of that and the forecast peak at the forecast's target; the other metrics
    /// (CPU, GPU, memory, latency and error SLOs) can only add replicas. <see cref="BurstDetector"/> and
    /// <see cref="ValleyScaleDown"/> do not apply (the KPA panics by itself and keeps no window);
    /// <see cref="CostAwareScaleIn"/> and <see cref="Periodicity"/> do.
    /// </summary>
    public bool KpaReactive { get; init; }

    /// <summary>
    /// Scale-down follows the forecast's valley: with a forecast, a contraction does not wait out the stabilization
    /// window (the forecast's peak over the horizon, already in y, is what holds capacity).
    /// </summary>
    public bool ValleyScaleDown { get; init; }

    /// <summary>
    /// Cost-aware scale-in: with a forecast, replicas are removed only when the forecast over the replica start-up
    /// delay ahead (<see cref="StartupSteps"/> minutes) stays within the smaller count's capacity at target and does not
    /// rise over the horizon: capacity that will be needed back within a start-up is kept.
    /// </summary>
    public bool CostAwareScaleIn { get; init; }

    /// <summary>The replica start-up delay in forecast steps (minutes), at least 1.</summary>
    public int StartupSteps { get; init; } = 1;

    /// <summary>
    /// Periodicity detection (as Alibaba's AHPA): the forecast is used only when the history has a daily or weekly
    /// pattern (autocorrelation at one day or one week of at least <see cref="MinAutocorrelation"/>); otherwise scaling
    /// stays reactive.
    /// </summary>
    public bool Periodicity { get; init; }

    public double MinAutocorrelation { get; init; } = 0.5;

    /// <summary>
    /// Quantile headroom: while a forecast is used, QPS is provisioned at this utilization of a replica's capacity
    /// instead of the spec's target, the headroom coming from the forecast's quantile uplift (chosen per service on a
    /// validation split) rather than from a fixed target utilization. Null (the default): the spec's target.
    /// </summary>
    public double? ForecastUtilization { get; init; }

    /// <summary>
    /// With <see cref="KpaReactive"/>, while a forecast is used: Knative's decider runs at this utilization of a
    /// replica's capacity instead of the spec's target (Alibaba AHPA's split of work: the forecast holds the predictable
    /// load, the reactive part only has to catch what the forecast misses, so it can run hotter). Without a forecast
    /// (periodicity says no pattern, or no forecaster) and without <see cref="TrendLookAhead"/> the spec's target
    /// applies. Null (the default): the spec's target.
    /// </summary>
    public double? ReactiveUtilization { get; init; }

    /// <summary>
    /// Trend look-ahead, with <see cref="KpaReactive"/>: Knative's stable value is the larger of the window's mean and
    /// the window's least-squares line read this far ahead (a replica ordered now serves only after its start-up, so the
    /// count is sized for the load the window's trend projects for then; set it to the replica start-up delay). A rising
    /// load is met before it arrives; a falling one does not lower the count faster than the mean. While it is on,
    /// <see cref="ReactiveUtilization"/> applies as it does with a forecast. Null (the default): off.
    /// </summary>
    public TimeSpan? TrendLookAhead { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad setting.</summary>
    public ProvisioningOptions Validate()
    {
        if (!(PanicThreshold > 1) || PanicHold < TimeSpan.Zero || StartupSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PanicThreshold), "PanicThreshold > 1, PanicHold >= 0 and StartupSteps >= 1");
        }

        if (!(MinAutocorrelation is > 0 and <= 1) || ForecastUtilization is { } u && !(u is > 0 and <= 1) || ReactiveUtilization is { } r && !(r is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinAutocorrelation), "MinAutocorrelation, ForecastUtilization and ReactiveUtilization are in (0, 1]");
        }

        if (TrendLookAhead is { } ahead && !(ahead > TimeSpan.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(TrendLookAhead), "TrendLookAhead is a positive duration (the replica start-up delay, e.g. 00:01:00) or unset");
        }

        return this;
    }
}
