namespace WPAI.Grains.Scheduling;

public sealed partial class PoolSchedulerGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Pool {Pool} scheduler rebuilt: {Nodes} nodes, {Running} running jobs, {Queued} queued")]
    private static partial void LogRebuilt(ILogger logger, string pool, int nodes, int running, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: released orphan reservation of {Owner} on {Node} (its job is not running there)")]
    private static partial void LogOrphanReleased(ILogger logger, string pool, string node, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: placing {JobId} on {Node} was interrupted; the job stays queued and the node's reservation is reconciled before the next pass")]
    private static partial void LogPlacementInterrupted(ILogger logger, Exception exception, string pool, string jobId, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: could not reconcile the interrupted placement of {JobId} on {Node} yet; retrying")]
    private static partial void LogReconcileDeferred(ILogger logger, Exception exception, string pool, string jobId, string node);
}
