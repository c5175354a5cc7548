
namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// Stops a SQLite-backed silo and starts a new one on the same file: nodes, quotas, pending and running jobs are
/// all back, the running job's simulated run is re-attached, and scheduling continues.
/// </summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly SqliteRestartableSilo _silo = new("durability");

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task Restart_SqliteSilo_RestoresNodesQuotasAndJobsAndSchedulingContinues()
    {
        var first = await _silo.StartAsync();
        try
        {
            var grains = first.Client;
            await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "T4", 4, 32_000, 256_000), NodeMode.Fixed);
            await grains.GetGrain<IDepartmentGrain>("a").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 4));
            await grains.GetGrain<IJobGrain>("a1").SubmitAsync(new JobSpec("a1", "a", ["T4"], 4, 4_000, 16_000, TimeSpan.FromHours(1)));
            await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync();
            await grains.GetGrain<IJobGrain>("a2").SubmitAsync(new JobSpec("a2", "a", ["T4"], 2, 4_000, 16_000, TimeSpan.FromHours(1)));
            await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync();
            Assert.Equal(JobStatus.Running, (await grains.GetGrain<IJobGrain>("a1").GetAsync()).Status);
            Assert.Equal(JobStatus.Pending, (await grains.GetGrain<IJobGrain>("a2").GetAsync()).Status);
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        _silo.Clock.Advance(TimeSpan.FromMinutes(10));
        var second = await _silo.StartAsync();
        try
        {
            var grains = second.Client;
            var node = await grains.GetGrain<INodeGrain>("n1").GetAsync();
            Assert.Equal(4, node.Spec.Gpus);
            Assert.Equal(["a1"], node.Allocations.Select(a => a.OwnerId));
            var dept = await grains.GetGrain<IDepartmentGrain>("a").GetAsync();
            Assert.Equal(4, dept.Quota["T4"]);
            Assert.Equal(["a1"], dept.Running.Select(r => r.JobId));
            Assert.Equal(JobStatus.Running, (await grains.GetGrain<IJobGrain>("a1").GetAsync()).Status);
            var a2 = await grains.GetGrain<IJobGrain>("a2").GetAsync();
            Assert.Equal(JobStatus.Pending, a2.Status);
            Assert.Equal(TimeSpan.FromMinutes(10), a2.WaitTime);
            var pool = await grains.GetGrain<IPoolSchedulerGrain>("T4").GetAsync();
            Assert.Equal(["a2"], pool.Queue.Select(q => q.JobId));
            Assert.Equal(4, pool.Quota["a"]);
            Assert.Equal(new PoolUsage(4, 0), pool.Usage["a"]);

            // The run of a1 was re-attached at start-up: it ends an hour after it started, and a2 follows.
            _silo.Clock.Advance(TimeSpan.FromMinutes(50));
            await Fleet.EventuallyAsync(async () => (await grains.GetGrain<IJobGrain>("a1").GetAsync()).Status == JobStatus.Succeeded, "a1 completes after the restart");
            await Fleet.EventuallyAsync(
                async () =>
                {
                    await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync();
                    return (await grains.GetGrain<IJobGrain>("a2").GetAsync()).Status == JobStatus.Running;
                },
                "a2 is placed after the restart");
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }
}
