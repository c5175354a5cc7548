namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>Where a replica is in its life: reserved, its model server starting, serving, or draining before it stops.</summary>
public enum ReplicaPhase
{
    /// <summary>Its node allocation is reserved; nothing runs (the simulated driver's only phase).</summary>
    Placed = 0,

    /// <summary>Its node agent started the model server, which does not answer <c>/v2/health/ready</c> yet.</summary>
    Starting = 1,

    /// <summary>The model server answers ready: the gateway routes requests to it.</summary>
    Ready = 2,

    /// <summary>No new requests are routed to it; in-flight ones finish, then it is stopped.</summary>
    Draining = 3,
}
