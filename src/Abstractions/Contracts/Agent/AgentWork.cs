using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>What a node agent should run now: the whole desired-run list at <paramref name="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("wpai.agent-work")]
public sealed record AgentWork(long Version, ImmutableArray<RunOrder> Runs);
