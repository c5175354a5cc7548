using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Workload;

/// <summary>How a raw workload is turned into a replay: fleet scale, departments, quotas, filtering and load.</summary>
public sealed record WorkloadOptions(
    int Seed = 1,
    double FleetScale = 1.0,
    QuotaMode QuotaMode = QuotaMode.Equal,
    TimeSpan? MaxDuration = null,
    double? OfferedLoad = null,
    int Departments = 10)
{
    /// <summary>The default cut-off between training jobs and long-running services.</summary>
    public static TimeSpan DefaultMaxDuration { get; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How much jobs over-declare their run time: each job declares its true duration × a seeded factor uniform on
    /// [1, this] (Mu'alem and Feitelson's "f-model" with f = this − 1); 1 = every job declares its true duration.
    /// </summary>
    public double DeclaredOverestimate { get; init; } = 1;

    /// <summary>Refuses an over-estimate factor below 1 (or not finite).</summary>
    public static void ValidateOverestimate(double factor)
    {
        if (!(factor >= 1) || double.IsInfinity(factor))
        {
            throw new WpaiValidationException("--declared-overestimate", $"{factor} is not a factor of at least 1", "Give the largest factor by which jobs over-declare their run time, e.g. 3 (1 = declared exactly).");
        }
    }

    /// <summary>
    /// Keep the CPU-only pods (no GPU) as training jobs of the <c>cpu</c> pool when the fleet has CPU-only nodes (the mixing
    /// simulation's CPU pool); off (the training replay): they are left out and counted, as always.
    /// </summary>
    public bool KeepCpuOnlyJobs { get; init; }

    /// <summary>
    /// With <see cref="KeepCpuOnlyJobs"/>: the CPU jobs' arrivals are compressed on their own so that their core-seconds /
    /// (the <c>cpu</c> pool's cores × their arrival window) equals this; null leaves their times as in the trace.
    /// </summary>
    public double? CpuOfferedLoad { get; init; }

    /// <summary>Which jobs repeat a template (none unless given).</summary>
    public Recurrence Recurrence { get; init; } = Recurrence.None;
}
