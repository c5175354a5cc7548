namespace WPAI.Grains.Nodes;

public sealed partial class NodeGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} registered in pool {Pool} with {Gpus} GPUs as {Mode}")]
    private static partial void LogRegistered(ILogger logger, string node, string pool, int gpus, NodeMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} changed mode {From} -> {To} (target {Target}): {Reason}")]
    private static partial void LogModeChanged(ILogger logger, string node, NodeMode from, NodeMode to, NodeMode? target, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} removed from the fleet: {Reason}")]
    private static partial void LogRemoved(ILogger logger, string node, string reason);
}
