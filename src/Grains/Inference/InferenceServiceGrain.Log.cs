namespace WPAI.Grains.Inference;

public sealed partial class InferenceServiceGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Inference service {Service} deployed: model {Model} in pool {Pool}, {Replicas} replicas")]
    private static partial void LogDeployed(ILogger logger, string service, string model, string pool, int replicas);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference service {Service}: pool {Pool} has no room for {Missing} more replicas")]
    private static partial void LogNoRoom(ILogger logger, string service, string pool, int missing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference service {Service} scaled by hand {From} -> {To}: {Reason}")]
    private static partial void LogManual(ILogger logger, string service, int from, int to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference service {Service}: stored forecast model unreadable, retraining: {Reason}")]
    private static partial void LogModelUnreadable(ILogger logger, string service, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference service {Service}: {Moves} replicas moved off node {Node}, which is lent to training")]
    private static partial void LogMoved(ILogger logger, string service, string node, int moves);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference service {Service}: replica {Replica} is ready")]
    private static partial void LogReplicaReady(ILogger logger, string service, string replica);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference service {Service}: replica {Replica} on {Node} ended: {Detail}")]
    private static partial void LogReplicaEnded(ILogger logger, string service, string replica, string node, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference service {Service}: rolling out {Models}")]
    private static partial void LogRollout(ILogger logger, string service, string models);
}
