using WPAI.Domain.Departments;
using WPAI.Domain.Scheduling;
using WPAI.Domain.Validation;
using WPAI.Grains.Storage;

namespace WPAI.Grains.Departments;

/// <summary>
/// A department: GPU quota per pool, the ledger of its running jobs (always the sum of their allocations), the
/// outcomes of its recent jobs, measured runs per job template (<see cref="DepartmentLedger"/>), and quota advice from
/// its usage history (<see cref="GpuUsagePeriods"/>, <see cref="QuotaAdvisor"/>). Starts and ends interleave: each
/// changes the state in one synchronous step, and every write goes through one <see cref="GroupCommit"/>, so the starts
/// and ends of many jobs arriving together share a write; each call still returns only once a write holding its change
/// has completed.
/// </summary>
[GrainType("wpai-department")]
public sealed class DepartmentGrain(
    [PersistentState("department", WpaiCluster.StorageProvider)] IPersistentState<DepartmentState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<SchedulingOptions> options) : Grain, IDepartmentGrain
{
    private readonly GroupCommit _writes = new(state.WriteStateAsync);

    /// <summary>The GPUs the ledger's running jobs hold per pool, counted once per activation and then kept by the ledger.</summary>
    private PoolGpuTally? _held;

    private DepartmentState S => state.State;

    private PoolGpuTally Held => _held ??= PoolGpuTally.Of(S.Running.Values);

    private DepartmentLedger Ledger => new(S.Running, S.RecentUtilization, S.TemplateRuns, S.PeakGpus, Held);

    private GpuUsagePeriods Periods => new(S.PeriodGpuSeconds, S.PeriodGpuAverage, S.PeriodStart, S.LastAccrual);

    /// <summary>
    /// Reads the recent outcomes of a state written in the earlier, whole-outcome form (<see cref="DepartmentState.UpgradeRecent"/>),
    /// and wakes the jobs this ledger lists as running: a job whose release was cut short by a crash (its own state already
    /// says it ended) completes the release when it activates. Not awaited: the jobs call back into this grain.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        S.UpgradeRecent();
        foreach (var jobId in S.Running.Keys)
        {
            GrainFactory.GetGrain<IJobGrain>(jobId).GetAsync().Ignore();
        }

        return Task.CompletedTask;
    }

    public async Task<DepartmentView> SetQuotaAsync(ImmutableDictionary<string, int> gpusByPool)
    {
        Validate.Id(this.GetPrimaryKeyString(), "department");
        if (gpusByPool is null || gpusByPool.IsEmpty)
        {
            throw new WpaiValidationException("quota", "names no pool", "Give at least one POOL=GPUS pair, e.g. T4=8.");
        }

        foreach (var (pool, gpus) in gpusByPool)
        {
            Validate.Quota(pool, gpus);
        }

        var checks = await Task.WhenAll(gpusByPool.Keys.Select(async p => (Pool: p, Check: await GrainFactory.GetGrain<IPoolSchedulerGrain>(p).CheckAsync(Resources.None, false))));
        foreach (var (pool, check) in checks)
        {
            if (!check.Known)
            {
                throw new WpaiValidationException($"quota[{pool}]", $"unknown pool '{pool}': no node of that GPU model is registered", "Register nodes of that model first (wpai node add).");
            }
        }

        var department = this.GetPrimaryKeyString();
        Accrue();
        foreach (var (pool, gpus) in gpusByPool)
        {
            S.Quota[pool] = gpus;
        }

        var created = !S.Exists;
        S.Exists = true;
        await _writes.PersistAsync();
        // SetQuotaAsync interleaves with a pass that may be waiting on this department, so awaiting it cannot deadlock.
        await Task.WhenAll(gpusByPool.Select(kv => GrainFactory.GetGrain<IPoolSchedulerGrain>(kv.Key).SetQuotaAsync(department, kv.Value)));
        if (created)
        {
            await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).AddDepartmentAsync(department);
        }

        return View();
    }

    public Task<DepartmentView> GetAsync() =>
        S.Exists ? Task.FromResult(View()) : throw new WpaiNotFoundException("department", this.GetPrimaryKeyString());

    public Task<bool> ExistsAsync() => Task.FromResult(S.Exists);

    public Task<SubmitContext> GetSubmitContextAsync(string? template) => Task.FromResult(new SubmitContext(S.Exists, Ledger.TemplateRuns(template)));

    public async Task RecordStartAsync(RunningAllocation allocation)
    {
        if (Ledger.IsRunning(allocation.JobId))
        {
            await _writes.WhenWrittenAsync();
            return;
        }

        Accrue();
        Ledger.TryStart(allocation);
        await _writes.PersistAsync();
    }

    public async Task RecordEndAsync(JobOutcome outcome)
    {
        if (!Ledger.TryRemove(outcome.JobId))
        {
            await _writes.WhenWrittenAsync();
            return;
        }

        Accrue();
        Ledger.RecordOutcome(outcome);
        await _writes.PersistAsync();
    }

    /// <summary>Adds GPU-seconds held since the last change to the current period, closing periods that ended.</summary>
    private void Accrue()
    {
        var periods = Periods;
        periods.Accrue(clock.GetUtcNow(), Held, S.Quota.Keys);
        (S.PeriodStart, S.LastAccrual) = (periods.PeriodStart, periods.LastAccrual);
    }

    private DepartmentView View()
    {
        var ledger = Ledger;
        var periods = Periods;
        var advice = S.Quota.Keys.Union(ledger.PeakPools).Distinct(StringComparer.Ordinal).ToImmutableDictionary(
            p => p, p => QuotaAdvisor.Advise(periods.Closed(p), ledger.PeakGpus(p)), StringComparer.Ordinal);
        return new DepartmentView(
            this.GetPrimaryKeyString(),
            S.Quota.ToImmutableDictionary(StringComparer.Ordinal),
            ledger.UsageByPool(),
            ledger.Running(),
            EffectiveUtilization.OfDepartment(ledger.RecentUtilizations(options.Value.UtilizationWindow)),
            advice,
            periods.GpuHoursLastWeek(clock.GetUtcNow(), ledger.Running()).ToImmutableDictionary(StringComparer.Ordinal));
    }
}
