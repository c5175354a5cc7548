namespace WPAI.Domain.Departments;

/// <summary>
/// The GPUs a department's running jobs hold per pool, kept as jobs enter and leave its ledger, so that the usage
/// accrual (<see cref="GpuUsagePeriods.Accrue"/>) and the pool's peak (<see cref="DepartmentLedger.TryStart"/>) read a
/// few pools instead of summing every running job on each start and end. Lists a pool while at least one of its jobs
/// runs (a job of no GPUs too, as a scan of the ledger would), pools in the order they last became held.
/// </summary>
public sealed class PoolGpuTally
{
    private readonly List<(string Pool, int Gpus, int Jobs)> _pools = new(4);

    /// <summary>The pools with a running job and the GPUs they hold.</summary>
    public IEnumerable<(string Pool, int Gpus)> ByPool
    {
        get
        {
            foreach (var (pool, gpus, _) in _pools)
            {
                yield return (pool, gpus);
            }
        }
    }

    /// <summary>The tally of <paramref name="running"/> (a ledger as persisted).</summary>
    public static PoolGpuTally Of(IEnumerable<RunningAllocation> running)
    {
        ArgumentNullException.ThrowIfNull(running);
        var tally = new PoolGpuTally();
        foreach (var allocation in running)
        {
            tally.Add(allocation);
        }

        return tally;
    }

    /// <summary>The GPUs held in <paramref name="pool"/>.</summary>
    public int In(string pool)
    {
        var at = IndexOf(pool);
        return at < 0 ? 0 : _pools[at].Gpus;
    }

    /// <summary>Counts a job that entered the ledger.</summary>
    public void Add(RunningAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        var at = IndexOf(allocation.Pool);
        if (at < 0)
        {
            _pools.Add((allocation.Pool, allocation.Resources.Gpus, 1));
        }
        else
        {
            var (pool, gpus, jobs) = _pools[at];
            _pools[at] = (pool, gpus + allocation.Resources.Gpus, jobs + 1);
        }
    }

    /// <summary>Takes out a job that left the ledger (one that <see cref="Add"/> counted).</summary>
    public void Remove(RunningAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        var at = IndexOf(allocation.Pool);
        if (at < 0)
        {
            throw new InvalidOperationException($"no running job of pool '{allocation.Pool}' is counted, so job '{allocation.JobId}' cannot leave it");
        }

        var (pool, gpus, jobs) = _pools[at];
        if (jobs == 1)
        {
            _pools.RemoveAt(at);
        }
        else
        {
            _pools[at] = (pool, gpus - allocation.Resources.Gpus, jobs - 1);
        }
    }

    private int IndexOf(string pool)
    {
        for (var i = 0; i < _pools.Count; i++)
        {
            if (string.Equals(_pools[i].Pool, pool, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
