namespace WPAI.Grains.Departments;

/// <summary>Persisted state of a department grain.</summary>
[GenerateSerializer, Alias("wpai.state.department")]
public sealed class DepartmentState
{
    [Id(0)]
    public bool Exists { get; set; }

    [Id(1)]
    public Dictionary<string, int> Quota { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The ledger: running jobs and what they hold.</summary>
    [Id(2)]
    public Dictionary<string, RunningAllocation> Running { get; set; } = new(StringComparer.Ordinal);

    [Id(3)]
    public List<JobOutcome> Recent { get; set; } = [];

    [Id(4)]
    public Dictionary<string, List<RunUsage>> TemplateRuns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per pool: GPU-seconds used in each closed period (oldest first).</summary>
    [Id(5)]
    public Dictionary<string, List<double>> PeriodGpuAverage { get; set; } = new(StringComparer.Ordinal);

    [Id(6)]
    public Dictionary<string, double> PeakGpus { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Start of the current accounting period and the GPU-seconds accrued in it per pool.</summary>
    [Id(7)]
    public DateTimeOffset PeriodStart { get; set; }

    [Id(8)]
    public Dictionary<string, double> PeriodGpuSeconds { get; set; } = new(StringComparer.Ordinal);

    [Id(9)]
    public DateTimeOffset LastAccrual { get; set; }
}
