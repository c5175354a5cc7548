namespace WPAI.Domain.Mixing;

/// <summary>
/// The two-tick rule for training reservations on a draining node whose job does not run there (a placement still
/// being started, or one a crash left behind): the first review that sees one makes it a suspect; it gets one tick to
/// start (then the next reclaim kills it); a review that sees it again releases it. A suspect not seen again is
/// forgotten. Kept in the controller's activation: after a restart every such reservation gets its tick again.
/// </summary>
public sealed class SuspectReservations
{
    private readonly HashSet<(string Node, string Owner)> _suspects = [];
    private readonly HashSet<(string Node, string Owner)> _seen = [];
    private string? _node;

    /// <summary>Starts the review of <paramref name="node"/>'s unconfirmed reservations.</summary>
    public void BeginReview(string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        _node = node;
        _seen.Clear();
    }

    /// <summary>A reservation on the node under review whose job does not run there: true when it must be released now.</summary>
    public bool Unconfirmed(string owner)
    {
        var key = (_node ?? throw new InvalidOperationException("BeginReview first"), owner);
        if (_suspects.Contains(key))
        {
            _seen.Remove(key);
            _suspects.Remove(key);
            return true;
        }

        _seen.Add(key);
        return false;
    }

    /// <summary>Ends the review: the node's suspects are exactly those seen for the first time.</summary>
    public void EndReview()
    {
        var node = _node ?? throw new InvalidOperationException("BeginReview first");
        _suspects.RemoveWhere(k => k.Node == node);
        _suspects.UnionWith(_seen);
        _seen.Clear();
        _node = null;
    }

    /// <summary>True when the reservation is a suspect (seen unconfirmed on the last review of its node).</summary>
    public bool IsSuspect(string node, string owner) => _suspects.Contains((node, owner));
}
