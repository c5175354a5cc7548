using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// Served by a connected node agent (an Orleans client observer): reads run logs where they are written, on the node,
/// so logs need no upload path and no port of their own — the read travels over the agent's existing connection.
/// </summary>
[Alias("wpai.IAgentLogReader")]
public interface IAgentLogReader : IGrainObserver
{
    [Alias("ReadLog")]
    Task<LogChunk> ReadLogAsync(string jobId, int attempt, long offset, int maxBytes);
}
