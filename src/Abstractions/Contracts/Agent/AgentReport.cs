using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>
/// A node agent's heartbeat with what happened since the last one. Reports are idempotent (keyed by job and attempt),
/// so the agent sends one again until the call succeeds.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.agent-report")]
public sealed record AgentReport(
    string AgentId,
    ImmutableArray<RunStarted> Started,
    ImmutableArray<RunEnd> Ended,
    ImmutableArray<RunUsageReport> Usage)
{
    public static AgentReport Heartbeat(string agentId) => new(agentId, [], [], []);
}
