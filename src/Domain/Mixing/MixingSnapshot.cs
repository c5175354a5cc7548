namespace WPAI.Domain.Mixing;

/// <summary>
/// Everything the mixing policy decides on, gathered by the controller at <paramref name="Now"/>: the pool's nodes,
/// the inference demand (GPUs of the services' desired replicas, pending ones included), the GPU size of each pending
/// replica, and the forecast demand (empty without a forecast).
/// </summary>
public sealed record MixingSnapshot(
    DateTimeOffset Now,
    ImmutableArray<MixingNode> Nodes,
    double DemandGpus,
    ImmutableArray<int> PendingReplicaGpus,
    ImmutableArray<DemandPoint> Forecast);
