using System.Globalization;

namespace WPAI.Domain.Agents;

/// <summary>
/// When a node agent counts as gone and what its node's mode is when it comes back: a node is marked Down once, when an
/// agent that has connected stays silent longer than the heartbeat timeout; it returns to the mode it had before (or,
/// if it was mid-handover, to the mode the agent announces), and a Down set by silence never overwrites that memory.
/// </summary>
public static class AgentLiveness
{
    /// <summary>Whether the node must be marked Down now: an agent has connected, the node is not Down already, and it is silent past the timeout.</summary>
    public static bool MustMarkDown(bool everConnected, bool down, TimeSpan silent, TimeSpan heartbeatTimeout) =>
        everConnected && !down && silent > heartbeatTimeout;

    /// <summary>The mode to remember while Down: the node's current mode, unless it is already Down (then the one remembered).</summary>
    public static NodeMode ModeToRemember(NodeMode current, NodeMode remembered) => current == NodeMode.Down ? remembered : current;

    /// <summary>The mode a node returns to when its agent connects again: the remembered one, or the announced one after a handover cut short.</summary>
    public static NodeMode ModeOnReturn(NodeMode remembered, NodeMode announced) => remembered == NodeMode.Unnormal ? announced : remembered;

    /// <summary>The reason recorded on the node and on each lost run.</summary>
    public static string SilenceReason(TimeSpan silent, TimeSpan heartbeatTimeout) =>
        string.Create(CultureInfo.InvariantCulture, $"node agent silent for {silent.TotalSeconds:0}s (timeout {heartbeatTimeout.TotalSeconds:0}s)");
}
