namespace WPAI.Domain.Nodes;

/// <summary>
/// The registration rule of a node: it registers under its own name, never as Unnormal (draining), and once; a repeat
/// with the same hardware is accepted and changes nothing, different hardware is refused (bad input, no state change).
/// A node is removed only when it holds nothing.
/// </summary>
public static class NodeRegistration
{
    /// <summary>True when <paramref name="spec"/> must be recorded now; false for a repeat of the registration. Throws for bad input.</summary>
    public static bool MustRegister(string key, NodeSpec spec, NodeMode mode, NodeSpec? existing)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.Equals(spec.Name, key, StringComparison.Ordinal))
        {
            throw new WpaiValidationException("spec.name", $"'{spec.Name}' does not match the node grain key '{key}'", "Register a node under its own name.");
        }

        if (mode is NodeMode.Unnormal)
        {
            throw new WpaiValidationException("mode", "a node cannot be registered as Unnormal (draining)", "Register it as OnlineNormal, OfflineNormal, Fixed or Down.");
        }

        if (existing is null)
        {
            return true;
        }

        return existing == spec
            ? false
            : throw new WpaiValidationException(
                "spec",
                $"node '{key}' is already registered with different hardware ({existing.Pool}, {existing.Capacity}); got ({spec.Pool}, {spec.Capacity})",
                "Remove the node first or register it with its existing hardware.");
    }

    /// <summary>Refuses to remove a node that still holds allocations (it would lose them); names what still runs and the way out.</summary>
    public static void EnsureRemovable(NodeSpec spec, IEnumerable<string> holders)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(holders);
        var held = holders.Order(StringComparer.Ordinal).ToList();
        if (held.Count > 0)
        {
            throw new WpaiValidationException(
                "NODE",
                $"node {spec.Name} still runs {string.Join(", ", held)}",
                "Wait until they end, or remove it with --drain (stops placing on it, waits up to --timeout, then preempts what still runs)");
        }
    }
}
