namespace WPAI.Domain.Mixing;

/// <summary>
/// What a pool's mixing is counted in: GPUs in a GPU pool, CPU cores in a CPU pool (a pool none of whose nodes has a
/// GPU, e.g. the <c>cpu</c> pool of CPU-only machines). Node capacities, the replicas' and training jobs' holdings, the
/// inference demand and its forecast are all counted in the pool's unit, so the policy (usage rate, lending, reclaims,
/// room for pending replicas, lost work) is the same for both kinds of pool. The members named <c>Gpus</c> in
/// <see cref="MixingNode"/>, <see cref="TrainingRun"/>, <see cref="MixingSnapshot"/> and <see cref="DemandPoint"/> hold
/// amounts in this unit. A CPU request counts in whole cores, rounded up.
/// </summary>
public readonly record struct MixingUnit
{
    private MixingUnit(bool cpuCores) => IsCpuCores = cpuCores;

    /// <summary>GPUs (the default value of the type).</summary>
    public static MixingUnit Gpus { get; } = new(false);

    /// <summary>CPU cores (1,000 millicores each).</summary>
    public static MixingUnit CpuCores { get; } = new(true);

    public bool IsCpuCores { get; }

    /// <summary>The unit of a pool from its nodes: CPU cores when there are nodes and none has a GPU, else GPUs.</summary>
    public static MixingUnit Of(IEnumerable<NodeView> views)
    {
        ArgumentNullException.ThrowIfNull(views);
        var any = false;
        foreach (var view in views)
        {
            if (view.Spec.Gpus > 0)
            {
                return Gpus;
            }

            any = true;
        }

        return any ? CpuCores : Gpus;
    }

    /// <summary>How much of the unit <paramref name="resources"/> hold (a CPU request in whole cores, rounded up).</summary>
    public int Amount(Resources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return IsCpuCores ? (int)Math.Ceiling(resources.CpuMilli / 1000.0) : resources.Gpus;
    }

    /// <summary>A node's capacity in the unit (whole cores for CPU: a partial core cannot host a whole-core request).</summary>
    public int Capacity(NodeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return IsCpuCores ? spec.CpuMilli / 1000 : spec.Gpus;
    }

    /// <summary>The unit's hours as reasons write them: GPU-h or core-h.</summary>
    public string Hours => IsCpuCores ? "core-h" : "GPU-h";

    public override string ToString() => IsCpuCores ? "CPU cores" : "GPUs";
}
