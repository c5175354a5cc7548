using System.Collections.Immutable;

namespace WPAI.Simulation.Workload;

/// <summary>
/// A workload ready to replay: the (scaled) fleet, the jobs with department, explicit model list and utilization,
/// the department quotas per pool, and what was left out.
/// </summary>
public sealed record PreparedWorkload(
    string Source,
    ImmutableArray<SimNode> Nodes,
    ImmutableArray<SimJob> Jobs,
    ImmutableArray<string> Pools,
    ImmutableArray<string> Departments,
    ImmutableDictionary<string, ImmutableDictionary<string, int>> Quotas,
    int ExcludedLongJobs,
    double ExcludedLongGpuTimeShare,
    int ExcludedCpuOnlyJobs,
    int ExcludedUnplaceableJobs,
    int AnyModelJobs,
    double NaturalOfferedLoad,
    double OfferedLoad,
    double TimeCompression)
{
    /// <summary>Jobs whose gpu_spec named a model twice; they keep each model once.</summary>
    public int RepeatedModelJobs { get; init; }

    /// <summary>How jobs were put into recurring templates.</summary>
    public Recurrence Recurrence { get; init; } = Recurrence.None;

    /// <summary>Jobs declare their run time as the true duration × a factor uniform on [1, this] (<see cref="WorkloadOptions.DeclaredOverestimate"/>).</summary>
    public double DeclaredOverestimate { get; init; } = 1;

    /// <summary>Jobs that repeat a template, and the templates they form.</summary>
    public int TemplatedJobs { get; init; }

    public int Templates { get; init; }

    /// <summary>CPU jobs' offered load before compression: core-seconds / (the <c>cpu</c> pool's cores × their arrival window); 0 without CPU jobs.</summary>
    public double CpuNaturalOfferedLoad { get; init; }

    /// <summary>CPU jobs' offered load as replayed (a fraction of the <c>cpu</c> pool's cores); 0 without CPU jobs.</summary>
    public double CpuOfferedLoad { get; init; }

    /// <summary>The factor applied to the CPU jobs' inter-arrival times (1 when not compressed).</summary>
    public double CpuTimeCompression { get; init; } = 1;

    public int FleetGpus => Nodes.Sum(n => n.Gpus);

    /// <summary>Whole cores of the <c>cpu</c> pool's nodes (the CPU-only machines).</summary>
    public int CpuPoolCores => Nodes.Where(n => n.Pool == Domain.Validation.Validate.CpuPool).Sum(n => n.CpuMilli / 1000);

    public long FleetCpuMilli => Nodes.Sum(n => (long)n.CpuMilli);

    /// <summary>First arrival.</summary>
    public TimeSpan WindowStart => Jobs.IsEmpty ? TimeSpan.Zero : Jobs[0].Submit;

    /// <summary>Last arrival.</summary>
    public TimeSpan WindowEnd => Jobs.IsEmpty ? TimeSpan.Zero : Jobs[^1].Submit;
}
