using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Ports;

namespace WPAI.Grains.Inference;

/// <summary>
/// The default <see cref="IReplicaLauncher"/>: a replica is its node reservation only (the simulated driver; the
/// Kubernetes driver runs replicas as pods from the service's replica list itself).
/// </summary>
public sealed class ReservationOnlyReplicaLauncher : IReplicaLauncher
{
    public bool RunsProcesses => false;

    public Task StartAsync(InferenceServiceSpec spec, ReplicaView replica) => Task.CompletedTask;

    public Task StopAsync(ReplicaView replica, string reason) => Task.CompletedTask;
}
