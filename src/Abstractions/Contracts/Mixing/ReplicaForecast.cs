namespace WPAI.Abstractions.Contracts.Mixing;

/// <summary>
/// A service's forecast load at one time and the replicas its QPS target gives for it; <paramref name="BusiestReplicas"/>
/// are the replicas for the busiest of the recent days at that time of day (the cautious reading; 0 when not given: use
/// <paramref name="Replicas"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.replica-forecast")]
public sealed record ReplicaForecast(DateTimeOffset At, double Qps, int Replicas, int BusiestReplicas = 0);
