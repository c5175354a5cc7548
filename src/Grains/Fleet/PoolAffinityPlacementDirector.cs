using Orleans.Runtime.Placement;

namespace WPAI.Grains.Fleet;

/// <summary>
/// Chooses the silo of a new activation under <see cref="PoolAffinityPlacement"/>: the pool scheduler by its key, a
/// grain whose caller named a pool (<see cref="WpaiCluster.PoolKey"/>) by that pool, both with
/// <see cref="SiloFor"/>; any other on the local silo (the caller's, or the gateway a client call arrived at) when it
/// is compatible, else on a random compatible silo. Every silo computes the same choice from the same membership. With
/// <see cref="PoolPlacementOptions.PoolAffinity"/> off, a random compatible silo for every new activation.
/// </summary>
public sealed class PoolAffinityPlacementDirector(IOptions<PoolPlacementOptions> options) : IPlacementDirector
{
    private static readonly GrainType PoolScheduler = GrainType.Create(Scheduling.PoolSchedulerGrain.GrainTypeName);

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        if (!options.Value.PoolAffinity)
        {
            return Task.FromResult(Any());
        }

        if (PoolOf(target) is { } pool)
        {
            return Task.FromResult(SiloFor(pool, silos));
        }

        var local = context.LocalSilo;
        return Task.FromResult(context.LocalSiloStatus == SiloStatus.Active && Array.IndexOf(silos, local) >= 0 ? local : Any());

        SiloAddress Any() => silos[Random.Shared.Next(silos.Length)];
    }

    /// <summary>The silo of <paramref name="pool"/>: its name's stable hash over the silos in address order.</summary>
    public static SiloAddress SiloFor(string pool, IReadOnlyList<SiloAddress> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Count == 0)
        {
            throw new OrleansException($"no compatible silo for the grains of pool '{pool}'");
        }

        var ordered = silos.Order().ToArray();
        return ordered[(int)(StableHash.ComputeHash(pool) % (uint)ordered.Length)];
    }

    private static string? PoolOf(PlacementTarget target)
    {
        if (target.GrainIdentity.Type.Equals(PoolScheduler))
        {
            return target.GrainIdentity.Key.ToString();
        }

        return target.RequestContextData is { } data && data.TryGetValue(WpaiCluster.PoolKey, out var value) && value is string { Length: > 0 } pool
            ? pool
            : null;
    }
}
