namespace WPAI.Grains.Jobs;

public sealed partial class JobGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId} started on {Node} ({Tier} tier), attempt {Attempt}")]
    private static partial void LogStarted(ILogger logger, string jobId, string node, Tier tier, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} preempted by {Preemptor} on {Node}")]
    private static partial void LogPreempted(ILogger logger, string jobId, string preemptor, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} killed on lent node {Node}, which is taken back; re-queued as attempt {Attempt}")]
    private static partial void LogReclaimed(ILogger logger, string jobId, string node, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} attempt {Attempt} ended: {Outcome}")]
    private static partial void LogRunEnded(ILogger logger, string jobId, int attempt, string outcome);
}
