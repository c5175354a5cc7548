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

    public int FleetGpus => Nodes.Sum(n => n.Gpus);

    public long FleetCpuMilli => Nodes.Sum(n => (long)n.CpuMilli);

    /// <summary>First arrival.</summary>
    public TimeSpan WindowStart => Jobs.IsEmpty ? TimeSpan.Zero : Jobs[0].Submit;

    /// <summary>Last arrival.</summary>
    public TimeSpan WindowEnd => Jobs.IsEmpty ? TimeSpan.Zero : Jobs[^1].Submit;
}
