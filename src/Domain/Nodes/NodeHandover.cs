namespace WPAI.Domain.Nodes;

/// <summary>
/// The handover rules of a node (README, "Mixing"): a handover lends an OnlineNormal node (target OfflineNormal), takes
/// back an OfflineNormal node (target OnlineNormal) or re-targets an Unnormal one; it completes only once the node holds
/// nothing of the kind its target excludes; an admin who drains a node by hand drains it towards the other side.
/// Every mode change carries a reason.
/// </summary>
public static class NodeHandover
{
    /// <summary>The target an admin's change to <paramref name="to"/> implies: Unnormal from an online or offline node drains towards the other side.</summary>
    public static NodeMode? ManualTarget(NodeMode from, NodeMode to) =>
        to != NodeMode.Unnormal ? null
        : from == NodeMode.OnlineNormal ? NodeMode.OfflineNormal
        : from == NodeMode.OfflineNormal ? NodeMode.OnlineNormal
        : null;

    /// <summary>
    /// Checks a handover start of node <paramref name="node"/> from <paramref name="from"/> (current target
    /// <paramref name="currentTarget"/>) to <paramref name="target"/>; false when it is already under way to that target.
    /// </summary>
    public static bool MustBegin(string node, NodeMode from, NodeMode? currentTarget, NodeMode target)
    {
        if (target is not (NodeMode.OnlineNormal or NodeMode.OfflineNormal))
        {
            throw new WpaiValidationException("target", $"a handover goes to OnlineNormal or OfflineNormal, not {target}", "Use ChangeMode for Fixed and Down.");
        }

        if (from == NodeMode.Unnormal && currentTarget == target)
        {
            return false;
        }

        var legal = from == NodeMode.Unnormal
            || (from == NodeMode.OnlineNormal && target == NodeMode.OfflineNormal)
            || (from == NodeMode.OfflineNormal && target == NodeMode.OnlineNormal);
        if (!legal)
        {
            throw new WpaiValidationException(
                "mode",
                $"node '{node}' cannot start a handover from {from} to {target}",
                "A handover lends an OnlineNormal node (target OfflineNormal), takes back an OfflineNormal node (target OnlineNormal), or re-targets an Unnormal one.");
        }

        return true;
    }

    /// <summary>
    /// The mode a handover completes to now, or null when there is nothing to do yet (it completed before — a retry —
    /// or the node still holds work its target excludes). Throws when the node is in no handover.
    /// </summary>
    public static NodeMode? CompletesTo(string node, NodeMode mode, NodeMode? target, IEnumerable<NodeAllocation> held)
    {
        ArgumentNullException.ThrowIfNull(held);
        if (mode != NodeMode.Unnormal)
        {
            return mode is NodeMode.OnlineNormal or NodeMode.OfflineNormal
                ? null
                : throw new WpaiValidationException("mode", $"node '{node}' is {mode}, not in a handover", "Start one with BeginHandover first.");
        }

        if (target is not { } to)
        {
            throw new WpaiValidationException("mode", $"node '{node}' is Unnormal without a target", "Start a handover with a target (BeginHandover) or change its mode by hand.");
        }

        var blocking = to == NodeMode.OfflineNormal ? AllocationKind.InferenceReplica : AllocationKind.TrainingJob;
        return held.Any(a => a.Kind == blocking) ? null : to;
    }

    /// <summary>Refuses a mode change without a reason.</summary>
    public static void RequireReason(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new WpaiValidationException("reason", "must not be empty", "Say why the mode changes.");
        }
    }
}
