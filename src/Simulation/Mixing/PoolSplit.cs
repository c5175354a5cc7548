using System.Collections.Immutable;

namespace WPAI.Simulation.Mixing;

/// <summary>How one pool of the scaled fleet starts: its nodes that serve inference (OnlineNormal, lendable) and its Fixed nodes.</summary>
public sealed record PoolSplit(string Pool, ImmutableArray<string> OnlineNodes, int OnlineGpus, ImmutableArray<string> FixedNodes, int FixedGpus);
