namespace WPAI.Grains.Fleet;

/// <summary>
/// Places the grains of one pool together: a pool's scheduler on the silo its pool name hashes to (among the compatible
/// silos, in address order), a new job or node on the silo of the pool its first caller names in
/// <c>RequestContext[<see cref="WpaiCluster.PoolKey"/>]</c>, and one activated without that hint on the silo of its
/// caller (a scheduler's node or job, a job's node), so that the calls of a job's life cycle stay inside one silo.
/// See <see cref="PoolAffinityPlacementDirector"/>.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
[Alias("wpai.pool-affinity-placement")]
public sealed class PoolAffinityPlacement : PlacementStrategy
{
    /// <summary>The one instance the attribute uses.</summary>
    public static PoolAffinityPlacement Instance { get; } = new();
}
