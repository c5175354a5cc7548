namespace WPAI.Domain.Common;

/// <summary>
/// The one rule for reservations that hold a node for nothing (a crash between a node's admission and its owner's
/// record, a replica recorded as moved whose old allocation survived, a service that is gone): every reservation
/// (node, owner) that its owner does not claim is an orphan, to be released.
/// </summary>
public static class OrphanReservations
{
    /// <summary>The reservations, in their order, that <paramref name="claimed"/> does not confirm.</summary>
    public static ImmutableArray<(string Node, string Owner)> Find(IEnumerable<(string Node, string Owner)> reservations, Func<string, string, bool> claimed)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        ArgumentNullException.ThrowIfNull(claimed);
        return [.. reservations.Where(r => !claimed(r.Node, r.Owner))];
    }

    /// <summary>The orphans among the reservations of one node.</summary>
    public static ImmutableArray<(string Node, string Owner)> Find(string node, IEnumerable<string> owners, Func<string, bool> claimed)
    {
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(claimed);
        return Find(owners.Select(o => (node, o)), (_, o) => claimed(o));
    }
}
