namespace WPAI.Kubernetes;

/// <summary>
/// WPAI's mode of a node, written back to Kubernetes: always the label <c>wpai.io/mode=MODE</c>; and, while the node is
/// lent to training (OfflineNormal), draining (Unnormal) or a dedicated training machine (Fixed), the taint
/// <c>wpai.io/mode=MODE:NoSchedule</c>, so that pods WPAI did not place stay off it (WPAI's own pods tolerate it).
/// An OnlineNormal node carries no taint: the cluster's own serving pods may land there. Down is not mirrored: it comes
/// from Kubernetes (cordon, NotReady), and the label keeps the mode to return to.
/// </summary>
public static class NodeModeMirror
{
    public const string Effect = "NoSchedule";

    public static bool Tainted(NodeMode mode) => mode is NodeMode.OfflineNormal or NodeMode.Unnormal or NodeMode.Fixed;

    /// <summary>
    /// The JSON merge patch that makes <paramref name="node"/> show <paramref name="mode"/>, or null when it already does
    /// (or when <paramref name="mode"/> is Down). Other taints are kept: a merge patch replaces the whole list.
    /// </summary>
    public static V1Node? Patch(V1Node node, NodeMode mode)
    {
        if (mode == NodeMode.Down)
        {
            return null;
        }

        var value = mode.ToString();
        var taints = node.Spec?.Taints ?? [];
        var ours = taints.Where(t => string.Equals(t.Key, KubernetesNames.ModeKey, StringComparison.Ordinal)).ToList();
        var labelOk = node.Metadata?.Labels is { } labels && labels.TryGetValue(KubernetesNames.ModeKey, out var current) && string.Equals(current, value, StringComparison.Ordinal);
        var taintOk = Tainted(mode)
            ? ours.Count == 1 && string.Equals(ours[0].Value, value, StringComparison.Ordinal) && string.Equals(ours[0].Effect, Effect, StringComparison.Ordinal)
            : ours.Count == 0;
        if (labelOk && taintOk)
        {
            return null;
        }

        var kept = taints.Where(t => !string.Equals(t.Key, KubernetesNames.ModeKey, StringComparison.Ordinal)).ToList();
        if (Tainted(mode))
        {
            kept.Add(new V1Taint { Key = KubernetesNames.ModeKey, Value = value, Effect = Effect });
        }

        // Only the fields set here are serialized (nulls are left out), so this is exactly the merge patch. The node's
        // resourceVersion makes it conditional: a node changed since it was read (another taint added) answers 409, and
        // the next round patches from the newer node instead of replacing its taints with a stale list.
        return new V1Node
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { [KubernetesNames.ModeKey] = value }, ResourceVersion = node.Metadata?.ResourceVersion },
            Spec = new V1NodeSpec { Taints = kept },
        };
    }

    /// <summary>The toleration every WPAI pod carries, so that WPAI can place onto the nodes it taints.</summary>
    public static V1Toleration Toleration { get; } = new() { Key = KubernetesNames.ModeKey, OperatorProperty = "Exists", Effect = Effect };
}
