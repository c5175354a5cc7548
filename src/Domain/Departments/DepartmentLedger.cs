using WPAI.Domain.Common;

namespace WPAI.Domain.Departments;

/// <summary>
/// A department's running ledger and recent history, over the persisted collections it is given: the running jobs and
/// what they hold (always the sum of their allocations: a job enters once, when placed, and leaves once, when it ends),
/// the peak GPUs held per pool, the effective GPU utilization of the newest <see cref="MaxRecent"/> jobs (null: not
/// measured; of an ended job's outcome that is all the department reads), and the measured runs of the newest
/// <see cref="MaxTemplateRuns"/> successful jobs per template (what right-sizing reads). The GPUs held per pool
/// (<paramref name="held"/>, the tally of <paramref name="running"/>) change with every start and end here.
/// </summary>
public sealed class DepartmentLedger(
    Dictionary<string, RunningAllocation> running,
    List<double?> recentUtilizations,
    Dictionary<string, List<RunUsage>> templateRuns,
    Dictionary<string, double> peakGpus,
    PoolGpuTally held)
{
    public const int MaxRecent = 50;
    public const int MaxTemplateRuns = 10;

    /// <summary>Whether the job is in the ledger.</summary>
    public bool IsRunning(string jobId) => running.ContainsKey(jobId);

    /// <summary>Records a started job and the pool's peak; false (nothing changes) when it is recorded already.</summary>
    public bool TryStart(RunningAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        if (!running.TryAdd(allocation.JobId, allocation))
        {
            return false;
        }

        held.Add(allocation);
        peakGpus[allocation.Pool] = Math.Max(peakGpus.GetValueOrDefault(allocation.Pool), held.In(allocation.Pool));
        return true;
    }

    /// <summary>Takes an ended job out of the ledger; false (nothing changes) when it is not in it (an end told twice).</summary>
    public bool TryRemove(string jobId)
    {
        if (!running.Remove(jobId, out var allocation))
        {
            return false;
        }

        held.Remove(allocation);
        return true;
    }

    /// <summary>
    /// Keeps the effective GPU utilization of an ended job (newest <see cref="MaxRecent"/>) and, for a job of a template, its measured run
    /// (newest <see cref="MaxTemplateRuns"/>). GPUs not measured (a node without nvidia-smi) count as fully used, so
    /// right-sizing never takes GPUs away on no evidence, while the measured CPU still sizes the next run's CPU.
    /// </summary>
    public void RecordOutcome(JobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        BoundedList.AddNewestLast(recentUtilizations, outcome.EffectiveGpuUtilization, MaxRecent);
        if (outcome.Template is { } template)
        {
            if (!templateRuns.TryGetValue(template, out var runs))
            {
                templateRuns[template] = runs = [];
            }

            BoundedList.AddNewestLast(runs, new RunUsage(outcome.Gpus, outcome.EffectiveGpuUtilization ?? 1.0, outcome.CpuAverageMilli, outcome.CpuPeakMilli), MaxTemplateRuns);
        }
    }

    /// <summary>The measured runs of a template, oldest first (none for no template).</summary>
    public ImmutableArray<RunUsage> TemplateRuns(string? template) =>
        template is not null && templateRuns.TryGetValue(template, out var list) ? [.. list] : [];

    /// <summary>GPUs held now per pool, own and borrowed.</summary>
    public ImmutableDictionary<string, PoolUsage> UsageByPool() =>
        running.Values
            .GroupBy(r => r.Pool, StringComparer.Ordinal)
            .ToImmutableDictionary(
                g => g.Key,
                g => new PoolUsage(g.Where(r => r.Tier == Tier.Own).Sum(r => r.Resources.Gpus), g.Where(r => r.Tier == Tier.Borrowed).Sum(r => r.Resources.Gpus)),
                StringComparer.Ordinal);

    /// <summary>The running jobs, oldest start first, then by job id.</summary>
    public ImmutableArray<RunningAllocation> Running() =>
        [.. running.Values.OrderBy(r => r.StartedAt).ThenBy(r => r.JobId, StringComparer.Ordinal)];

    /// <summary>The effective GPU utilizations of the newest <paramref name="window"/> recent jobs that have one.</summary>
    public IReadOnlyList<double> RecentUtilizations(int window) =>
        [.. recentUtilizations.Where(u => u.HasValue).Select(u => u.GetValueOrDefault()).TakeLast(window)];

    /// <summary>The peak GPUs held in a pool.</summary>
    public double PeakGpus(string pool) => peakGpus.GetValueOrDefault(pool);

    /// <summary>The pools with a peak.</summary>
    public IEnumerable<string> PeakPools => peakGpus.Keys;
}
