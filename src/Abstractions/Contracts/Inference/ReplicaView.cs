namespace WPAI.Abstractions.Contracts.Inference;

/// <summary>One replica of a service: its id (the owner id of its node allocation) and the node it runs on.</summary>
[GenerateSerializer, Immutable, Alias("wpai.replica-view")]
public sealed record ReplicaView(string Id, string Node, DateTimeOffset StartedAt);
