using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Ports;
using WPAI.Domain.Inference;

namespace WPAI.Silo.Driver;

/// <summary>
/// Runs inference replicas through the node agents (<c>--driver agent</c>): a replica is a run (<see cref="ReplicaRun"/>)
/// in its node's persisted desired-run list, so the agent's one run mechanism starts, measures and stops model servers
/// too. Starts, readiness, load and ends come back through the node agent grain to the service grain.
/// </summary>
public sealed class AgentReplicaLauncher(IGrainFactory grains) : IReplicaLauncher
{
    public bool RunsProcesses => true;

    public Task StartAsync(InferenceServiceSpec spec, ReplicaView replica)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(replica);
        var placement = new Placement(replica.Node, spec.Pool, spec.ReplicaResources, Tier.Own, replica.StartedAt, 0);
        return grains.GetGrain<INodeAgentGrain>(replica.Node).OrderStartAsync(ReplicaRun.Spec(spec, replica), placement);
    }

    public Task StopAsync(ReplicaView replica, string reason)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return grains.GetGrain<INodeAgentGrain>(replica.Node).OrderStopAsync(replica.Id, 0, reason);
    }
}
