using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>
/// An inference service as the API shows it, with its newest scaling decisions first; <paramref name="Address"/> is where
/// clients send requests (the inference gateway's address for the service), null without a gateway;
/// <paramref name="RolloutTarget"/> the model repository a roll-out in progress moves the replicas to; <paramref name="Problem"/>
/// what keeps the service from its replicas (a crash loop: failed starts in a row, the back-off, the last failure's log tail).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.inference-service-view")]
public sealed record InferenceServiceView(
    InferenceServiceSpec Spec,
    int DesiredReplicas,
    ImmutableArray<ReplicaView> Replicas,
    int PendingReplicas,
    ServiceMetrics? LastMetrics,
    ForecasterView Forecaster,
    ImmutableArray<ScalingDecisionView> Decisions,
    long Version,
    string? Address = null,
    string? RolloutTarget = null,
    string? Problem = null);
