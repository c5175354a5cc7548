using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>A pool's scheduler as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("wpai.pool-view")]
public sealed record PoolView(
    string Pool,
    int Nodes,
    Resources Capacity,
    Resources Free,
    ImmutableArray<QueuedJobView> Queue,
    ImmutableDictionary<string, int> Quota,
    ImmutableDictionary<string, PoolUsage> Usage,
    long Placements,
    long Preemptions);
