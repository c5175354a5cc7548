using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Domain.Mixing;

/// <summary>
/// Everything the mixing policy decides on, gathered by the controller at <paramref name="Now"/>: the pool's nodes,
/// the inference demand (GPUs of the services' desired replicas, pending ones included), the GPU size of each pending
/// replica, the forecast demand (empty without a forecast), and the GPUs of the services' minimum replicas
/// (<paramref name="MinimumGpus"/>, 0 when not known). In a CPU pool every "GPU" amount is CPU cores
/// (<see cref="MixingUnit"/>, <paramref name="Unit"/>).
/// </summary>
public sealed record MixingSnapshot(
    DateTimeOffset Now,
    ImmutableArray<MixingNode> Nodes,
    double DemandGpus,
    ImmutableArray<int> PendingReplicaGpus,
    ImmutableArray<DemandPoint> Forecast,
    MixingUnit Unit = default,
    double MinimumGpus = 0)
{
    /// <summary>
    /// The snapshot of the pool's node views and its services' demand at <paramref name="now"/>; <paramref name="expectedEnds"/>
    /// gives the training jobs' expected ends where known.
    /// </summary>
    public static MixingSnapshot From(
        DateTimeOffset now, IEnumerable<NodeView> views, IReadOnlyList<ServiceDemand> demands, IReadOnlyDictionary<string, DateTimeOffset>? expectedEnds = null)
    {
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(demands);
        var all = views.ToList();
        var unit = MixingUnit.Of(all);
        var nodes = all.Select(v => new MixingNode(
            v.Spec.Name,
            v.Mode,
            v.TargetMode,
            unit.Capacity(v.Spec),
            v.Allocations.Where(a => a.Kind == AllocationKind.InferenceReplica).Sum(a => unit.Amount(a.Resources)),
            [.. v.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob).Select(a => new TrainingRun(a.OwnerId, unit.Amount(a.Resources), a.Since, expectedEnds?.GetValueOrDefault(a.OwnerId) is { } end && end != default ? end : null))],
            v.Transitions.LastOrDefault(t => t.From != t.To)?.At)).ToImmutableArray();
        var pending = InferenceDemand.PendingReplicaGpus(demands, unit).ToImmutableArray();

        // Forecast demand per step: services without a forecast count with their current desired replicas.
        var steps = demands.Select(d => d.Forecast.IsDefault ? 0 : d.Forecast.Length).DefaultIfEmpty(0).Max();
        var forecast = ImmutableArray.CreateBuilder<DemandPoint>(steps);
        for (var i = 0; i < steps; i++)
        {
            var at = demands.First(d => !d.Forecast.IsDefault && d.Forecast.Length > i).Forecast[i].At;
            double gpus = 0, busiest = 0;
            foreach (var d in demands)
            {
                var perReplica = unit.Amount(d.ReplicaResources);
                var (mean, busiestDay) = !d.Forecast.IsDefault && d.Forecast.Length > i
                    ? (d.Forecast[i].Replicas, Math.Max(d.Forecast[i].Replicas, d.Forecast[i].BusiestReplicas))
                    : (d.DesiredReplicas, d.DesiredReplicas);
                gpus += mean * perReplica;
                busiest += busiestDay * perReplica;
            }

            forecast.Add(new DemandPoint(at, gpus, busiest));
        }

        return new MixingSnapshot(now, nodes, InferenceDemand.Gpus(demands, unit), pending, forecast.ToImmutable(), unit, InferenceDemand.MinimumGpus(demands, unit));
    }
}
