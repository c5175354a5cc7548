using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>An inference service as the API shows it, with its newest scaling decisions first.</summary>
[GenerateSerializer, Immutable, Alias("wpai.inference-service-view")]
public sealed record InferenceServiceView(
    InferenceServiceSpec Spec,
    int DesiredReplicas,
    ImmutableArray<ReplicaView> Replicas,
    int PendingReplicas,
    ServiceMetrics? LastMetrics,
    ForecasterView Forecaster,
    ImmutableArray<ScalingDecisionView> Decisions,
    long Version);
