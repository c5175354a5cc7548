using Orleans.Concurrency;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// The silo's side of one node agent (key: node name): a persisted desired-run list that the agent pulls (long poll)
/// and acknowledges by reporting each run's start and end; heartbeats; and, when the agent falls silent for longer than
/// the heartbeat timeout, the node goes Down and its runs are re-queued exactly once.
/// </summary>
[Alias("wpai.INodeAgentGrain")]
public interface INodeAgentGrain : IGrainWithStringKey
{
    /// <summary>
    /// The agent (re)connects: registers its node (idempotent for identical hardware) and, when the node was marked Down
    /// for a silent agent, brings it back to the mode it had. <paramref name="logs"/> serves the runs' logs.
    /// </summary>
    [Alias("Connect")]
    Task<NodeView> ConnectAsync(NodeSpec spec, NodeMode mode, string agentId, IAgentLogReader logs);

    /// <summary>
    /// The desired-run list; waits up to <paramref name="wait"/> for a version newer than <paramref name="knownVersion"/>.
    /// Counts as a heartbeat.
    /// </summary>
    [Alias("Poll"), AlwaysInterleave]
    Task<AgentWork> PollAsync(string agentId, long knownVersion, TimeSpan wait);

    /// <summary>Heartbeat with starts, ends and usage since the last report; each is forwarded to its job once.</summary>
    [Alias("Report")]
    Task ReportAsync(AgentReport report);

    /// <summary>The driver asks for a run (idempotent per job and attempt).</summary>
    [Alias("OrderStart")]
    Task OrderStartAsync(JobSpec spec, Placement placement);

    /// <summary>The driver asks to stop a run (cancel, preemption, reclaim); idempotent, a no-op for an unknown run.</summary>
    [Alias("OrderStop")]
    Task OrderStopAsync(string jobId, int attempt, string reason);

    /// <summary>Reads a run's log through the connected agent; throws a not-found error naming why when it cannot.</summary>
    [Alias("ReadLog")]
    Task<LogChunk> ReadLogAsync(string jobId, int attempt, long offset, int maxBytes);

    [Alias("Get")]
    Task<AgentView> GetAsync();
}
