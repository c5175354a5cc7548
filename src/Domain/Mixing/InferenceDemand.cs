using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Domain.Mixing;

/// <summary>One definition of a pool's inference demand, used by the urgency check and the policy's snapshot alike.</summary>
public static class InferenceDemand
{
    /// <summary>Inference demand in GPUs (or the pool's <paramref name="unit"/>): the services' desired replicas, pending ones included.</summary>
    public static double Gpus(IEnumerable<ServiceDemand> demands, MixingUnit unit = default) => demands.Sum(d => (double)d.DesiredReplicas * unit.Amount(d.ReplicaResources));

    /// <summary>The GPUs (or the pool's <paramref name="unit"/>) of the services' minimum replicas.</summary>
    public static double MinimumGpus(IEnumerable<ServiceDemand> demands, MixingUnit unit = default) =>
        demands.Sum(d => (double)Math.Max(0, d.MinReplicas) * unit.Amount(d.ReplicaResources));

    /// <summary>A service's replicas that are desired but not placed.</summary>
    public static int Pending(ServiceDemand demand)
    {
        ArgumentNullException.ThrowIfNull(demand);
        return Math.Max(0, demand.DesiredReplicas - demand.PlacedReplicas);
    }

    /// <summary>The pool's replicas that are desired but not placed.</summary>
    public static int Pending(IEnumerable<ServiceDemand> demands) => demands.Sum(Pending);

    /// <summary>The GPUs (or the pool's <paramref name="unit"/>) of each pending replica, one entry per replica, service by service.</summary>
    public static IEnumerable<int> PendingReplicaGpus(IEnumerable<ServiceDemand> demands, MixingUnit unit = default) =>
        demands.SelectMany(d => Enumerable.Repeat(unit.Amount(d.ReplicaResources), Pending(d)));
}
