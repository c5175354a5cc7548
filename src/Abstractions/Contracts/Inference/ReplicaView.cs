namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>
/// One replica of a service: its id (the owner id of its node allocation) and the node it runs on. Where node agents
/// run replicas as model-server processes: its <paramref name="Phase"/>, the process and address its agent reported,
/// the model repository it serves, its last measured load, since when it drains, and its gRPC address.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.replica-view")]
public sealed record ReplicaView(
    string Id,
    string Node,
    DateTimeOffset StartedAt,
    ReplicaPhase Phase = ReplicaPhase.Placed,
    string? Url = null,
    int? Pid = null,
    string? ModelRepository = null,
    ReplicaLoadSample? Load = null,
    DateTimeOffset? DrainingSince = null,
    string? Detail = null,
    string? GrpcUrl = null)
{
    /// <summary>True while the gateway may send it requests.</summary>
    public bool Routable => Phase == ReplicaPhase.Ready && Url is not null;
}
