using System.Collections.Immutable;
using Orleans.Concurrency;
using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// One inference service (key: service name): spec, replicas and their placement on online nodes, the rolling
/// metric window, the forecaster and the scaling decisions (README, "Autoscaling").
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

    /// <summary>
    /// Reports each of <paramref name="reports"/> (oldest first, none later than the grain's clock) and evaluates as
    /// of that report's time, in one turn: for each report exactly what <see cref="ReportMetricsAsync"/> followed by
    /// <see cref="EvaluateAsync"/> would do with the clock at the report's time. For metric sources that deliver
    /// reports in batches (and replays on virtual time). Returns one <see cref="ServiceTick"/> per report.
    /// </summary>
    [Alias("ReportAndEvaluate")]
    Task<ImmutableArray<ServiceTick>> ReportAndEvaluateAsync(ImmutableArray<ServiceMetrics> reports);

    /// <summary>A manual override: sets the replica count (clamped to the spec's bounds) and records the reason.</summary>
    [Alias("Scale")]
    Task<ScalingDecisionView> ScaleAsync(int replicas, string reason);

    /// <summary>The service with its decision history; throws <see cref="Errors.WpaiNotFoundException"/> when never deployed.</summary>
    [Alias("Get")]
    Task<InferenceServiceView> GetAsync();

    /// <summary>
    /// The service's demand for its pool's mixing controller: replica size, desired and placed replicas, and the
    /// replicas its daily load profile forecasts over the next <paramref name="forecastSpan"/> (zero: no forecast).
    /// </summary>
    [Alias("GetDemand")]
    Task<ServiceDemand> GetDemandAsync(TimeSpan forecastSpan);

    /// <summary>
    /// Moves every replica of this service off <paramref name="node"/> (which is being lent to training): each is
    /// placed anew on another online node first, recorded, and only then released on the old node. Returns the moves
    /// made (<c>old → new@node</c>); a replica for which the pool has no room stays where it is.
    /// </summary>
    [Alias("MoveReplicasOff")]
    Task<ImmutableArray<string>> MoveReplicasOffAsync(string node);

    /// <summary>
    /// Rolls the replicas to the model repository <paramref name="modelRepository"/> one at a time (surge 1): a new
    /// replica is started and must turn ready before an old one drains; a new replica that fails readiness stops the
    /// roll-out and keeps the old replicas. The autoscaler holds while a roll-out runs.
    /// </summary>
    [Alias("UpdateModels")]
    Task<InferenceServiceView> UpdateModelsAsync(string modelRepository);

    /// <summary>A node agent started a replica's model server (one-way: the agent's grain must not wait on this one).</summary>
    [Alias("ReplicaStarted"), OneWay]
    Task ReplicaStartedAsync(RunStarted started);

    /// <summary>A node agent probed a replica: readiness and load (one-way).</summary>
    [Alias("ReplicaProbed"), OneWay]
    Task ReplicaProbedAsync(ReplicaProbe probe);

    /// <summary>A replica's model server ended (stopped, died, or never became ready; one-way): it is replaced unless it was draining.</summary>
    [Alias("ReplicaEnded"), OneWay]
    Task ReplicaEndedAsync(RunEnd end);

    /// <summary>Releases every replica and forgets the service.</summary>
    [Alias("Delete")]
    Task DeleteAsync();
}
