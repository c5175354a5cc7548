using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>
/// A node agent's heartbeat with what happened since the last one. Reports are idempotent (keyed by job and attempt),
/// so the agent sends one again until the call succeeds. <paramref name="Replicas"/> holds the readiness and load of the
/// model-server replicas the agent runs.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.agent-report")]
public sealed record AgentReport(
    string AgentId,
    ImmutableArray<RunStarted> Started,
    ImmutableArray<RunEnd> Ended,
    ImmutableArray<RunUsageReport> Usage,
    ImmutableArray<ReplicaProbe> Replicas = default)
{
    public static AgentReport Heartbeat(string agentId) => new(agentId, [], [], []);
}
