namespace WPAI.Domain.Scheduling;

/// <summary>
/// What a pool answers to "could you ever run this?" (<see cref="PoolLedger.Check"/>), frozen: whether the pool has
/// nodes, and the distinct capacities of the nodes a training job (long-running or not) or a replica could use, in the
/// nodes' order. Immutable, so a reader on another thread may answer a check from it.
/// </summary>
public sealed class PoolCheckView
{
    private readonly ImmutableArray<Resources> _capacities;
    private readonly ImmutableArray<Resources> _capacitiesLongRunning;

    public PoolCheckView(string pool, bool known, ImmutableArray<Resources> capacities, ImmutableArray<Resources> capacitiesLongRunning)
    {
        Pool = pool;
        Known = known;
        _capacities = capacities;
        _capacitiesLongRunning = capacitiesLongRunning;
    }

    public string Pool { get; }

    public bool Known { get; }

    /// <summary>Whether the pool exists and some node of it could ever host <paramref name="request"/>, with its largest node.</summary>
    public PoolCheck Check(Resources request, bool longRunning)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Over the distinct capacities, no sort (this runs on every submit and enqueue): the largest capacity by GPUs, then
        // CPU, is the first such node's in the nodes' order, as a stable sort's first element was.
        Resources? largest = null;
        var fits = false;
        foreach (var capacity in longRunning ? _capacitiesLongRunning : _capacities)
        {
            fits = fits || capacity.Fits(request);
            if (largest is null || capacity.Gpus > largest.Gpus || (capacity.Gpus == largest.Gpus && capacity.CpuMilli > largest.CpuMilli))
            {
                largest = capacity;
            }
        }

        largest ??= Resources.None;
        var reason = !Known ? $"pool {Pool} has no nodes" : fits ? "ok" : $"no node in pool {Pool} can host {request} (largest: {largest})";
        return new PoolCheck(Known, fits, reason, largest);
    }
}
