namespace WPAI.Grains.Mixing;

/// <summary>Where a <see cref="HandoverDriver"/> records its decisions and counts: the mixing controller's persisted state.</summary>
internal interface IHandoverBook
{
    void Record(string node, NodeMode from, NodeMode to, NodeMode target, double rate, string reason, ImmutableArray<string> killed, ImmutableArray<string> moved);

    /// <summary>Updates the counters and persists them with the decisions recorded so far.</summary>
    Task CountAsync(Func<WPAI.Domain.Mixing.MixingCounters, WPAI.Domain.Mixing.MixingCounters> change);

    void OrphanReleased(string node, string owner);
}
