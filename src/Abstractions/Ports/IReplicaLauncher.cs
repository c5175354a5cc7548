using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Abstractions.Ports;

/// <summary>
/// What runs an inference replica once its node allocation is reserved. The node agents' launcher starts a model-server
/// process on the replica's node (<see cref="RunsProcesses"/>: the replica then starts, turns ready, drains and stops
/// as its agent reports); the default launches nothing (the simulated driver; Kubernetes runs replicas as pods itself).
/// </summary>
public interface IReplicaLauncher
{
    /// <summary>True when replicas are processes whose start, readiness and end are reported back.</summary>
    bool RunsProcesses { get; }

    /// <summary>Orders <paramref name="replica"/> of <paramref name="spec"/> started on its node. Idempotent.</summary>
    Task StartAsync(InferenceServiceSpec spec, ReplicaView replica);

    /// <summary>Orders <paramref name="replica"/> stopped (SIGTERM, grace, SIGKILL). Idempotent.</summary>
    Task StopAsync(ReplicaView replica, string reason);
}
