using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Mixing;

/// <summary>
/// What one inference service asks of its pool, for the pool's mixing controller: replica size, desired and placed
/// replicas (desired − placed are pending), and the forecast replicas ahead (empty without enough history).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.service-demand")]
public sealed record ServiceDemand(
    string Service,
    string Pool,
    Resources ReplicaResources,
    int DesiredReplicas,
    int PlacedReplicas,
    ImmutableArray<ReplicaForecast> Forecast);
