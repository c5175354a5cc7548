using System.Collections.Immutable;

namespace WPAI.Client;

/// <summary>The outcome of removing a node: whether it was drained, and the jobs preempted (re-queued) when the drain timed out.</summary>
public sealed record NodeRemoval(string Node, bool Drained, ImmutableArray<string> Preempted);
