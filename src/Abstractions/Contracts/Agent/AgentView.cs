using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>A node agent as the silo sees it: when it was last heard, whether the node was marked Down for silence, its orders.</summary>
[GenerateSerializer, Immutable, Alias("wpai.agent-view")]
public sealed record AgentView(string Node, string? AgentId, DateTimeOffset? LastSeen, bool Down, bool Connected, ImmutableArray<RunOrder> Orders);
