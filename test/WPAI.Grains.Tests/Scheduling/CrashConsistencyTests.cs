using WPAI.Grains.Tests.Storage;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// Storage failures injected at the points where a job's state and the ledgers are written separately (a stand-in for
/// a crash between the two writes): after the failure clears and the silo restarts, the invariants hold again —
/// department ledgers equal their running jobs, nodes hold only running jobs' allocations, and a restarted scheduler
/// has the quotas its departments hold.
/// </summary>
public sealed class CrashConsistencyTests : IDisposable
{
    private readonly StorageFaults _faults = new();
    private readonly SqliteRestartableSilo _silo;

    public CrashConsistencyTests() =>
        _silo = new SqliteRestartableSilo(
            "crash",
            silo => silo.Services.DecorateGrainStorage(WpaiCluster.StorageProvider, (_, inner) => new FailingGrainStorage(inner, _faults)));

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task Complete_DepartmentWriteFails_LedgerIsReleasedAfterRestart()
    {
        var first = await _silo.StartAsync();
        try
        {
            var grains = first.Client;
            await SetUpRunningJobAsync(grains, "c1");
            _faults.FailWrites("department");
            await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IJobGrain>("c1").CompleteAsync(1, true, "done"));
        }
        finally
        {
            await StopAsync(first);
        }

        _faults.Clear();
        var second = await _silo.StartAsync();
        try
        {
            var grains = second.Client;

            // The department's stored ledger still lists c1; activating it wakes c1, whose state owes the release.
            await Fleet.EventuallyAsync(async () => (await grains.GetGrain<IDepartmentGrain>("a").GetAsync()).Running.IsEmpty, "the department ledger drops the finished job");
            Assert.Equal(JobStatus.Succeeded, (await grains.GetGrain<IJobGrain>("c1").GetAsync()).Status);
            Assert.Empty((await grains.GetGrain<INodeGrain>("n1").GetAsync()).Allocations);
            Assert.False((await grains.GetGrain<IPoolSchedulerGrain>("T4").GetAsync()).Usage.ContainsKey("a"));
        }
        finally
        {
            await StopAsync(second);
        }
    }

    [Fact]
    public async Task Start_DepartmentWriteFails_NextPassCompletesTheLedger()
    {
        var cluster = await _silo.StartAsync();
        try
        {
            var grains = cluster.Client;
            await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "T4", 4, 32_000, 256_000), NodeMode.Fixed);
            await grains.GetGrain<IDepartmentGrain>("a").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 4));
            await grains.GetGrain<IJobGrain>("s1").SubmitAsync(new JobSpec("s1", "a", ["T4"], 4, 4_000, 16_000, TimeSpan.FromHours(1)));
            _faults.FailWrites("department");
            Assert.Equal(0, await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync()); // the start's ledger write failed
            _faults.Clear();

            await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync(); // reconciles the interrupted placement
            Assert.Equal(JobStatus.Running, (await grains.GetGrain<IJobGrain>("s1").GetAsync()).Status);
            Assert.Equal(["s1"], (await grains.GetGrain<IDepartmentGrain>("a").GetAsync()).Running.Select(r => r.JobId));
            Assert.Equal(["s1"], (await grains.GetGrain<INodeGrain>("n1").GetAsync()).Allocations.Select(a => a.OwnerId));
            Assert.Equal(new PoolUsage(4, 0), (await grains.GetGrain<IPoolSchedulerGrain>("T4").GetAsync()).Usage["a"]);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task SetQuota_SchedulerWriteFails_RestartedSchedulerReReadsTheQuota()
    {
        var first = await _silo.StartAsync();
        try
        {
            var grains = first.Client;
            await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "T4", 4, 32_000, 256_000), NodeMode.Fixed);
            await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync(); // persists the node
            _faults.FailWrites("scheduler");
            await grains.GetGrain<IDepartmentGrain>("a").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 3));
            await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync());
        }
        finally
        {
            await StopAsync(first); // the scheduler's last write fails too: its stored state never got the quota
        }

        _faults.Clear();
        var second = await _silo.StartAsync();
        try
        {
            var pool = await second.Client.GetGrain<IPoolSchedulerGrain>("T4").GetAsync();
            Assert.Equal(3, pool.Quota["a"]);
        }
        finally
        {
            await StopAsync(second);
        }
    }

    private static async Task SetUpRunningJobAsync(IGrainFactory grains, string jobId)
    {
        await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "T4", 4, 32_000, 256_000), NodeMode.Fixed);
        await grains.GetGrain<IDepartmentGrain>("a").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 4));
        await grains.GetGrain<IJobGrain>(jobId).SubmitAsync(new JobSpec(jobId, "a", ["T4"], 4, 4_000, 16_000, TimeSpan.FromHours(1)));
        await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync();
        Assert.Equal(JobStatus.Running, (await grains.GetGrain<IJobGrain>(jobId).GetAsync()).Status);
    }

    private static async Task StopAsync(InProcessTestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }
}
