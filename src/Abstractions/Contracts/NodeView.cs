using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>A node as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("wpai.node-view")]
public sealed record NodeView(
    NodeSpec Spec,
    NodeMode Mode,
    NodeMode? TargetMode,
    Resources Allocated,
    Resources Free,
    ImmutableArray<NodeAllocation> Allocations,
    ImmutableArray<ModeTransition> Transitions,
    long Version,
    bool Cordoned = false);
