using System.Collections.Immutable;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// How one pool of the scaled fleet starts: its nodes that serve inference (OnlineNormal, lendable) and its Fixed nodes, with
/// their GPUs and whole CPU cores. A pool none of whose nodes has a GPU (the <c>cpu</c> pool) mixes in cores.
/// </summary>
public sealed record PoolSplit(string Pool, ImmutableArray<string> OnlineNodes, int OnlineGpus, ImmutableArray<string> FixedNodes, int FixedGpus)
{
    /// <summary>Whole cores of the online nodes.</summary>
    public int OnlineCores { get; init; }

    /// <summary>Whole cores of the Fixed nodes.</summary>
    public int FixedCores { get; init; }

    /// <summary>A pool of CPU-only machines: its mixing, services and training are counted in CPU cores.</summary>
    public bool IsCpu => OnlineGpus + FixedGpus == 0 && OnlineCores + FixedCores > 0;
}
