using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Mixing;

/// <summary>
/// What one inference service asks of its pool, for the pool's mixing controller: replica size, desired and placed
/// replicas (desired − placed are pending), the forecast replicas ahead (empty without enough history), and the minimum
/// replicas the service keeps whatever its load (0 when not given).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.service-demand")]
public sealed record ServiceDemand(
    string Service,
    string Pool,
    Resources ReplicaResources,
    int DesiredReplicas,
    int PlacedReplicas,
    ImmutableArray<ReplicaForecast> Forecast,
    int MinReplicas = 0);
