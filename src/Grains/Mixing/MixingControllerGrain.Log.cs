namespace WPAI.Grains.Mixing;

public sealed partial class MixingControllerGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Mixing controller of pool {Pool} configured: {Settings}")]
    private static partial void LogConfigured(ILogger logger, string pool, string settings);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mixing {Pool}: node {Node} {From} -> {To} (target {Target}): {Reason}")]
    private static partial void LogDecision(ILogger logger, string pool, string node, NodeMode from, NodeMode to, NodeMode target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mixing {Pool}: node {Node} changed under the controller, handover skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string pool, string node, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mixing {Pool}: released orphaned allocation {Owner} on draining node {Node}")]
    private static partial void LogOrphanReleased(ILogger logger, string pool, string node, string owner);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mixing {Pool}: timer tick failed")]
    private static partial void LogTickFailed(ILogger logger, string pool, Exception exception);
}
