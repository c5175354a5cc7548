namespace WPAI.Abstractions.Contracts.Mixing;

/// <summary>A service's forecast load at one time and the replicas its QPS target gives for it.</summary>
[GenerateSerializer, Immutable, Alias("wpai.replica-forecast")]
public sealed record ReplicaForecast(DateTimeOffset At, double Qps, int Replicas);
