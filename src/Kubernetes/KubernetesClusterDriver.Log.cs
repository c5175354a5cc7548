namespace WPAI.Kubernetes;

public sealed partial class KubernetesClusterDriver
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Created pod {Pod} on node {Node}")]
    private static partial void LogCreated(ILogger logger, string pod, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Pod} exists already; this start is the same attempt")]
    private static partial void LogAlreadyExists(ILogger logger, string pod);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Pod} waits until WPAI's terminating pods on node {Node} are gone")]
    private static partial void LogDeferred(ILogger logger, string pod, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Pod} could not be created: {Reason}")]
    private static partial void LogCannotCreate(ILogger logger, string pod, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Pod} could not be created now ({Reason}); trying again on the next resync")]
    private static partial void LogCreateRetry(ILogger logger, string pod, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted pod {Pod} with a grace period of {GraceSeconds} s")]
    private static partial void LogStopped(ILogger logger, string pod, long graceSeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Pod} is already gone")]
    private static partial void LogAlreadyGone(ILogger logger, string pod);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Pod} is running on node {Node}")]
    private static partial void LogRunning(ILogger logger, string pod, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Pod} was deleted outside WPAI: {Detail}")]
    private static partial void LogDeletedOutside(ILogger logger, string pod, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} attempt {Attempt}: reported {Outcome} ({Detail})")]
    private static partial void LogReported(ILogger logger, string jobId, int attempt, RunOutcome outcome, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up pod {Pod}: {Detail}")]
    private static partial void LogGaveUp(ILogger logger, string pod, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} attempt {Attempt}: the pod's outcome could not be reported")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pods after start-up: {Adopted} adopted, {Recreated} created again for running jobs, {Orphans} orphans deleted")]
    private static partial void LogAdopted(ILogger logger, int adopted, int recreated, int orphans);
}
