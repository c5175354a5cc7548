using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;
using WPAI.Forecasting;

namespace WPAI.Grains.Inference;

/// <summary>Settings of inference services (configuration section <c>Wpai:Inference</c>).</summary>
public sealed class InferenceScalingOptions
{
    public const string SectionName = "Wpai:Inference";

    /// <summary>How often a service evaluates its scaling policy on its own (default 15 s; zero: only on <c>EvaluateAsync</c>).</summary>
    public TimeSpan EvaluationPeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Metric reports older than this (before the newest) leave the rolling window (default 60 s).</summary>
    public TimeSpan MetricWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the forecaster is retrained on the service's history (default 6 h).</summary>
    public TimeSpan RetrainInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long a manual <c>ScaleAsync</c> holds against the autoscaler (default 10 minutes).</summary>
    public TimeSpan ManualOverrideHold { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Decisions kept in the history (newest first), default 100.</summary>
    public int MaxDecisions { get; set; } = 100;

    /// <summary>The forecaster: history bounds, trees, look-ahead (its MaxHistory bounds the stored history too).</summary>
    public ForecasterOptions Forecaster { get; set; } = new();

    /// <summary>Trainings that may run at once on a silo (default 1: training is CPU-heavy).</summary>
    public int MaxConcurrentTrainings { get; set; } = 1;

    /// <summary>The scaling rule (default <see cref="AutoscalerKind.Predictive"/>; <c>Hpa</c> and <c>Kpa</c> reproduce the Kubernetes HPA and Knative's KPA for comparison).</summary>
    public AutoscalerKind Policy { get; set; } = AutoscalerKind.Predictive;

    /// <summary>
    /// The quantile provisioning rule: scale up on forecast × q-quantile(actual / forecast) over the last day of
    /// realized forecasts (never below the forecast; <see cref="WPAI.Domain.Scaling.ForecastUplift"/>). Null (the
    /// default) provisions for the forecast itself.
    /// </summary>
    public double? ForecastQuantile { get; set; }

    /// <summary>
    /// The provisioning mechanisms of the <c>Predictive</c> rule (each off by default). A fresh instance, never the shared
    /// <see cref="ProvisioningOptions.None"/>: the configuration binder sets the properties of the instance it finds.
    /// </summary>
    public ProvisioningOptions Provisioning { get; set; } = new();

    /// <summary>How long a new replica takes before it serves; replicas younger than this count as not ready (the HPA's missing pods). Default 0.</summary>
    public TimeSpan ReplicaStartup { get; set; } = TimeSpan.Zero;

    /// <summary>A scale-down keeps the highest recommendation of this window (default 300 s).</summary>
    public TimeSpan ScaleDownStabilization { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How long a replica drains (the gateway sends it nothing new, in-flight requests finish) before it is stopped (default 10 s).</summary>
    public TimeSpan DrainTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Replica load samples older than this do not count toward the service's measured load (default 30 s).</summary>
    public TimeSpan LoadMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before a replica replaces one that failed to start; doubled for each failure in a row (default 10 s).</summary>
    public TimeSpan StartBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest crash-loop wait between replica starts (default 5 minutes).</summary>
    public TimeSpan StartBackoffMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The inference gateway's base address (set by the silo host when it runs one); each service's address is below it.</summary>
    public string? GatewayUrl { get; set; }

    public void Validate()
    {
        if (EvaluationPeriod < TimeSpan.Zero || MetricWindow <= TimeSpan.Zero || RetrainInterval <= TimeSpan.Zero || ManualOverrideHold < TimeSpan.Zero)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException(SectionName, "durations must be positive (EvaluationPeriod and ManualOverrideHold may be 0)", "Fix Wpai:Inference in configuration.");
        }

        if (MaxDecisions < 1 || MaxConcurrentTrainings < 1)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException(SectionName, "MaxDecisions and MaxConcurrentTrainings must be at least 1", "Fix Wpai:Inference in configuration.");
        }

        if (ForecastQuantile is { } q && !(q is >= 0.5 and <= 1) || ReplicaStartup < TimeSpan.Zero || !Enum.IsDefined(Policy))
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException(SectionName, "ForecastQuantile must be in [0.5, 1] (or unset), ReplicaStartup >= 0 and Policy one of Predictive, Reactive, Hpa, Kpa, Fixed", "Fix Wpai:Inference in configuration.");
        }

        if (ScaleDownStabilization < TimeSpan.Zero || DrainTime < TimeSpan.Zero || LoadMaxAge <= TimeSpan.Zero || StartBackoff < TimeSpan.Zero || StartBackoffMax < StartBackoff)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException(SectionName, "ScaleDownStabilization, DrainTime and StartBackoff must be >= 0, LoadMaxAge positive and StartBackoffMax >= StartBackoff", "Fix Wpai:Inference in configuration.");
        }

        Forecaster.Validate();
        try
        {
            Provisioning.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException($"{SectionName}:Provisioning", e.Message, "Fix Wpai:Inference:Provisioning in configuration.");
        }
    }
}
