using WPAI.Domain.Scheduling;
using WPAI.Domain.Validation;

namespace WPAI.Grains.Departments;

/// <summary>
/// A department: GPU quota per pool, the ledger of its running jobs (always the sum of their allocations), the
/// outcomes of its recent jobs, measured runs per job template, and quota advice from its usage history.
/// </summary>
[GrainType("wpai-department")]
public sealed class DepartmentGrain(
    [PersistentState("department", WpaiCluster.StorageProvider)] IPersistentState<DepartmentState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<SchedulingOptions> options) : Grain, IDepartmentGrain
{
    private const int MaxRecent = 50;
    private const int MaxTemplateRuns = 10;
    private const int MaxPeriods = 30;
    private static readonly TimeSpan Period = TimeSpan.FromDays(1);

    private DepartmentState S => state.State;

    /// <summary>
    /// Wakes the jobs this ledger lists as running: a job whose release was cut short by a crash (its own state already
    /// says it ended) completes the release when it activates. Not awaited: the jobs call back into this grain.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
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
        await state.WriteStateAsync();
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

    public Task<SubmitContext> GetSubmitContextAsync(string? template)
    {
        var runs = template is not null && S.TemplateRuns.TryGetValue(template, out var list) ? [.. list] : ImmutableArray<RunUsage>.Empty;
        return Task.FromResult(new SubmitContext(S.Exists, runs));
    }

    public async Task RecordStartAsync(RunningAllocation allocation)
    {
        if (S.Running.ContainsKey(allocation.JobId))
        {
            return;
        }

        Accrue();
        S.Running[allocation.JobId] = allocation;
        var inPool = S.Running.Values.Where(r => r.Pool == allocation.Pool).Sum(r => r.Resources.Gpus);
        S.PeakGpus[allocation.Pool] = Math.Max(S.PeakGpus.GetValueOrDefault(allocation.Pool), inPool);
        await state.WriteStateAsync();
    }

    public async Task RecordEndAsync(JobOutcome outcome)
    {
        if (!S.Running.Remove(outcome.JobId))
        {
            return;
        }

        Accrue();
        S.Recent.Add(outcome);
        if (S.Recent.Count > MaxRecent)
        {
            S.Recent.RemoveAt(0);
        }

        if (outcome.Template is { } template)
        {
            // GPUs not measured (a node without nvidia-smi): counted as fully used, so right-sizing never takes GPUs away
            // on no evidence, while the measured CPU still sizes the next run's CPU.
            var u = outcome.EffectiveGpuUtilization ?? 1.0;
            if (!S.TemplateRuns.TryGetValue(template, out var runs))
            {
                S.TemplateRuns[template] = runs = [];
            }

            runs.Add(new RunUsage(outcome.Gpus, u, outcome.CpuAverageMilli, outcome.CpuPeakMilli));
            if (runs.Count > MaxTemplateRuns)
            {
                runs.RemoveAt(0);
            }
        }

        await state.WriteStateAsync();
    }

    /// <summary>Adds GPU-seconds held since the last change to the current period, closing periods that ended.</summary>
    private void Accrue()
    {
        var now = clock.GetUtcNow();
        if (S.PeriodStart == default)
        {
            S.PeriodStart = now;
            S.LastAccrual = now;
            return;
        }

        while (now - S.PeriodStart >= Period)
        {
            var end = S.PeriodStart + Period;
            AccrueUntil(end);
            foreach (var pool in S.Quota.Keys.Union(S.PeriodGpuSeconds.Keys).ToList())
            {
                if (!S.PeriodGpuAverage.TryGetValue(pool, out var periods))
                {
                    S.PeriodGpuAverage[pool] = periods = [];
                }

                periods.Add(S.PeriodGpuSeconds.GetValueOrDefault(pool) / Period.TotalSeconds);
                if (periods.Count > MaxPeriods)
                {
                    periods.RemoveAt(0);
                }
            }

            S.PeriodGpuSeconds.Clear();
            S.PeriodStart = end;
        }

        AccrueUntil(now);
    }

    private void AccrueUntil(DateTimeOffset until)
    {
        var seconds = (until - S.LastAccrual).TotalSeconds;
        if (seconds > 0)
        {
            foreach (var group in S.Running.Values.GroupBy(r => r.Pool, StringComparer.Ordinal))
            {
                S.PeriodGpuSeconds[group.Key] = S.PeriodGpuSeconds.GetValueOrDefault(group.Key) + (seconds * group.Sum(r => r.Resources.Gpus));
            }
        }

        if (until > S.LastAccrual)
        {
            S.LastAccrual = until;
        }
    }

    private DepartmentView View()
    {
        var usage = S.Running.Values
            .GroupBy(r => r.Pool, StringComparer.Ordinal)
            .ToImmutableDictionary(
                g => g.Key,
                g => new PoolUsage(g.Where(r => r.Tier == Tier.Own).Sum(r => r.Resources.Gpus), g.Where(r => r.Tier == Tier.Borrowed).Sum(r => r.Resources.Gpus)),
                StringComparer.Ordinal);
        var utilizations = S.Recent.Where(o => o.EffectiveGpuUtilization.HasValue).Select(o => o.EffectiveGpuUtilization!.Value)
            .TakeLast(options.Value.UtilizationWindow).ToList();
        var advice = S.Quota.Keys.Union(S.PeakGpus.Keys).Distinct(StringComparer.Ordinal).ToImmutableDictionary(
            p => p,
            p => QuotaAdvisor.Advise(S.PeriodGpuAverage.TryGetValue(p, out var periods) ? periods : [], S.PeakGpus.GetValueOrDefault(p)),
            StringComparer.Ordinal);
        return new DepartmentView(
            this.GetPrimaryKeyString(),
            S.Quota.ToImmutableDictionary(StringComparer.Ordinal),
            usage,
            [.. S.Running.Values.OrderBy(r => r.StartedAt).ThenBy(r => r.JobId, StringComparer.Ordinal)],
            EffectiveUtilization.OfDepartment(utilizations),
            advice);
    }
}
