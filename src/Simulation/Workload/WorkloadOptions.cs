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

    /// <summary>Which jobs repeat a template (none unless given).</summary>
    public Recurrence Recurrence { get; init; } = Recurrence.None;
}
