namespace WPAI.Grains.Agents;

public sealed partial class NodeAgentGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Node agent {AgentId} of {Node} connected (previous {Previous})")]
    private static partial void LogConnected(ILogger logger, string node, string agentId, string? previous);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node}: run of {JobId} attempt {Attempt} ordered")]
    private static partial void LogOrdered(ILogger logger, string node, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node}: run of {JobId} attempt {Attempt} ended: {Detail}")]
    private static partial void LogRunEnded(ILogger logger, string node, string jobId, int attempt, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} is Down: its agent was silent for {Seconds:0} s; {Lost} runs re-queued")]
    private static partial void LogDown(ILogger logger, string node, double seconds, int lost);
}
