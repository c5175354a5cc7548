using WPAI.Abstractions.Grains;
using WPAI.Agent.Runs;

namespace WPAI.Agent.Hosting;

/// <summary>Serves this node's run logs to the silo (an Orleans client observer), read where they are written.</summary>
public sealed class AgentLogReader(RunSupervisor runs) : IAgentLogReader
{
    public Task<LogChunk> ReadLogAsync(string jobId, int attempt, long offset, int maxBytes) =>
        Task.FromResult(runs.ReadLog(jobId, attempt, offset, maxBytes));
}
