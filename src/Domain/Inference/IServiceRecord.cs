using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Domain.Inference;

/// <summary>
/// What is kept of one inference service's scaling between calls: its spec, replicas, desired count, the stabilization
/// window, the manual hold, the crash-loop back-off and the decision history. The service grain's persisted state
/// implements it; <see cref="ServiceScaling"/> holds the rules that change it.
/// </summary>
public interface IServiceRecord
{
    InferenceServiceSpec? Spec { get; set; }

    List<ReplicaView> Replicas { get; }

    int DesiredReplicas { get; set; }

    /// <summary>Stabilization window: recent recommendations (time, replicas).</summary>
    List<KeyValuePair<DateTimeOffset, int>> Recommendations { get; set; }

    /// <summary>Newest first.</summary>
    List<ScalingDecisionView> Decisions { get; }

    DateTimeOffset? ManualUntil { get; set; }

    long Version { get; set; }

    string? RolloutTarget { get; set; }

    int FailedStarts { get; set; }

    DateTimeOffset? StartsHeldUntil { get; set; }

    string? LastFailedStart { get; set; }
}
