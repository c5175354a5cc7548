namespace WPAI.Grains.Scheduling;

public sealed partial class PoolSchedulerGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Pool {Pool} scheduler rebuilt: {Nodes} nodes, {Running} running jobs, {Queued} queued")]
    private static partial void LogRebuilt(ILogger logger, string pool, int nodes, int running, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: released orphan reservation of {Owner} on {Node} (its job is not running there)")]
    private static partial void LogOrphanReleased(ILogger logger, string pool, string node, string owner);
}
