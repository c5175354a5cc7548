using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>
/// What a node agent saw of one model-server replica it runs (the run <paramref name="JobId"/> is the replica id): whether
/// <c>/v2/health/ready</c> answered 200, and its latest load when the server reported one.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.replica-probe")]
public sealed record ReplicaProbe(string JobId, int Attempt, bool Ready, ReplicaLoadSample? Load, DateTimeOffset At);
