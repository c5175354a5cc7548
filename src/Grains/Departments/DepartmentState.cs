using WPAI.Domain.Common;
using WPAI.Domain.Departments;

namespace WPAI.Grains.Departments;

/// <summary>
/// Persisted state of a department grain, written whole on every change: of an ended job it keeps only what is read
/// again (the effective GPU utilization in <see cref="RecentUtilization"/>, the measured run of a template's job in
/// <see cref="TemplateRuns"/>), not the whole outcome. Copies itself for the in-memory storage (<see cref="IStateCopy{T}"/>): its
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

    /// <summary>
    /// Whole outcomes of recent jobs, as states written before <see cref="RecentUtilization"/> existed hold them
    /// (about 70 bytes each, where only the utilization was ever read); <see cref="UpgradeRecent"/> moves them over and
    /// the next write leaves this empty.
    /// </summary>
    [Id(3)]
    public List<JobOutcome> LegacyRecent { get; set; } = [];

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

    /// <summary>The effective GPU utilization of the newest ended jobs, oldest first (null: not measured).</summary>
    [Id(10)]
    public List<double?> RecentUtilization { get; set; } = [];

    /// <summary>
    /// Moves the outcomes of a state written before <see cref="RecentUtilization"/> existed into it, older than any
    /// kept there, within the ledger's bound; nothing changes when there are none.
    /// </summary>
    public void UpgradeRecent()
    {
        if (LegacyRecent.Count == 0)
        {
            return;
        }

        RecentUtilization.InsertRange(0, LegacyRecent.Select(o => o.EffectiveGpuUtilization));
        BoundedList.TrimOldestFirst(RecentUtilization, DepartmentLedger.MaxRecent);
        LegacyRecent.Clear();
    }

    /// <inheritdoc />
    public DepartmentState CopyForStorage() => new()
    {
        Exists = Exists,
        Quota = new(Quota, Quota.Comparer),
        Running = new(Running, Running.Comparer),
        LegacyRecent = [.. LegacyRecent],
        TemplateRuns = TemplateRuns.ToDictionary(kv => kv.Key, kv => new List<RunUsage>(kv.Value), TemplateRuns.Comparer),
        PeriodGpuAverage = PeriodGpuAverage.ToDictionary(kv => kv.Key, kv => new List<double>(kv.Value), PeriodGpuAverage.Comparer),
        PeakGpus = new(PeakGpus, PeakGpus.Comparer),
        PeriodStart = PeriodStart,
        PeriodGpuSeconds = new(PeriodGpuSeconds, PeriodGpuSeconds.Comparer),
        LastAccrual = LastAccrual,
        RecentUtilization = [.. RecentUtilization],
    };
}
