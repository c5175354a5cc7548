using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// One inference service (key: service name): spec, replicas and their placement on online nodes, the rolling
/// metric window, the forecaster and the scaling decisions (DESIGN.md, "Inference scaling").
/// </summary>
[Alias("wpai.IInferenceServiceGrain")]
public interface IInferenceServiceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates or updates the service and places its minimum replicas. Rejects bad specs with
    /// <see cref="Errors.WpaiValidationException"/> (min &gt; max, zero capacity, unknown pool, ...), changing nothing.
    /// </summary>
    [Alias("Deploy")]
    Task<InferenceServiceView> DeployAsync(InferenceServiceSpec spec);

    /// <summary>Adds a metric report to the service's rolling window (and its forecaster's history).</summary>
    [Alias("ReportMetrics")]
    Task ReportMetricsAsync(ServiceMetrics metrics);

    /// <summary>Runs the scaling policy now on the window and the forecast, applies and records the decision.</summary>
    [Alias("Evaluate")]
    Task<ScalingDecisionView> EvaluateAsync();

    /// <summary>A manual override: sets the replica count (clamped to the spec's bounds) and records the reason.</summary>
    [Alias("Scale")]
    Task<ScalingDecisionView> ScaleAsync(int replicas, string reason);

    /// <summary>The service with its decision history; throws <see cref="Errors.WpaiNotFoundException"/> when never deployed.</summary>
    [Alias("Get")]
    Task<InferenceServiceView> GetAsync();

    /// <summary>Releases every replica and forgets the service.</summary>
    [Alias("Delete")]
    Task DeleteAsync();
}
