namespace WPAI.Grains.Departments;

/// <summary>
/// Persisted state of a department grain. Copies itself for the in-memory storage (<see cref="IStateCopy{T}"/>): its
/// ledger and recent outcomes hold <c>[Immutable]</c> records, so a copy needs new containers only, where Orleans'
/// copier visits and records every element (the largest share of the in-memory writes' CPU, two writes per job).
/// </summary>
[GenerateSerializer, Alias("wpai.state.department")]
public sealed class DepartmentState : Storage.IStateCopy<DepartmentState>
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

    /// <inheritdoc />
    public DepartmentState CopyForStorage() => new()
    {
        Exists = Exists,
        Quota = new(Quota, Quota.Comparer),
        Running = new(Running, Running.Comparer),
        Recent = [.. Recent],
        TemplateRuns = TemplateRuns.ToDictionary(kv => kv.Key, kv => new List<RunUsage>(kv.Value), TemplateRuns.Comparer),
        PeriodGpuAverage = PeriodGpuAverage.ToDictionary(kv => kv.Key, kv => new List<double>(kv.Value), PeriodGpuAverage.Comparer),
        PeakGpus = new(PeakGpus, PeakGpus.Comparer),
        PeriodStart = PeriodStart,
        PeriodGpuSeconds = new(PeriodGpuSeconds, PeriodGpuSeconds.Comparer),
        LastAccrual = LastAccrual,
    };
}
