using System.Collections.Immutable;

namespace WPAI.Simulation.Reporting;

/// <summary>What was replayed: the fleet, the departments and their quotas, and what was left out.</summary>
public sealed record WorkloadSummary(
    string Source,
    int Seed,
    double FleetScale,
    string QuotaMode,
    double MaxDurationSeconds,
    int Jobs,
    int Nodes,
    int FleetGpus,
    long FleetCpuMilli,
    ImmutableArray<PoolSummary> Pools,
    ImmutableArray<string> Departments,
    ImmutableDictionary<string, ImmutableDictionary<string, int>> Quotas,
    int ExcludedJobs,
    double ExcludedGpuTimeShare,
    int ExcludedCpuOnlyJobs,
    int ExcludedUnplaceableJobs,
    int AnyModelJobs,
    double NaturalOfferedLoad,
    double ArrivalWindowHoursAtNaturalPace)
{
    /// <summary>Jobs whose gpu_spec named a model twice; they keep each model once.</summary>
    public int RepeatedModelJobs { get; init; }

    /// <summary>Which jobs repeat a template (right-sizing reads their earlier runs).</summary>
    public Workload.Recurrence Recurrence { get; init; } = Workload.Recurrence.None;

    /// <summary>Jobs declare their run time as the true duration × a factor uniform on [1, this] (<c>--declared-overestimate</c>).</summary>
    public double DeclaredOverestimate { get; init; } = 1;

    /// <summary>Jobs that repeat a template, and the templates they form.</summary>
    public int TemplatedJobs { get; init; }

    public int Templates { get; init; }
}
