using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>
/// What an inference service runs and how it scales. <paramref name="Targets"/> holds the target
/// (<c>expectRate</c>) per metric: utilization fractions for CPU/GPU/memory, QPS for
/// <see cref="ScalingMetric.QpsPerReplica"/>. The latency and error-rate SLOs are targets too: a breach forces expansion.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.inference-service-spec")]
public sealed record InferenceServiceSpec(
    string Name,
    string Model,
    string Pool,
    Resources ReplicaResources,
    double CapacityQps,
    int MinReplicas,
    int MaxReplicas,
    ImmutableDictionary<ScalingMetric, double> Targets,
    TimeSpan LatencySloP99,
    double ErrorRateSlo,
    string? ModelRepository = null);
