using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using WPAI.Client;
using WPAI.Silo.Hosting;
using WPAI.Silo.Metrics;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Cluster;

/// <summary>
/// Counting grain calls by origin (<see cref="CallOrigins"/>) on a cluster of two silos with pool-affinity placement:
/// every submit is counted once as a client's call, every enqueue (the job calls its pool's scheduler, on its own
/// silo) as local, and the job-index appends of the jobs on the silo the index does not live on as coming from another
/// silo (grouped per silo: one append may carry several jobs' ids), the others as local.
/// </summary>
public sealed class CallOriginsTests : IAsyncLifetime
{
    private const int Jobs = 24;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TwoSilos.StartAsync(silo => CallOrigins.AddTo(silo));

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Calls_AreCountedByOrigin_ClientLocalAndOtherSilo()
    {
        var grains = _cluster.Client;
        var client = new WpaiClient(grains, Options.Create(new WpaiClientOptions()), NullLogger<WpaiClient>.Instance);
        var pools = TwoSilos.PoolsThatHashApart(_suffix);
        var dept = $"dept-{_suffix}";
        foreach (var pool in pools)
        {
            await client.AddNodeAsync(new NodeSpec($"{pool}-node", pool, 8, 64_000, 512 * 1024));
        }

        await client.SetQuotaAsync(dept, pools.ToDictionary(p => p, _ => 0));
        var before = Counts();
        var jobs = Enumerable.Range(0, Jobs).Select(i => (Id: $"job-{_suffix}-{i}", Pool: pools[i % 2])).ToList();
        await Task.WhenAll(jobs.Select(j => client.SubmitJobAsync(new JobSpec(j.Id, dept, [j.Pool], 1, 1_000, 1_024, TimeSpan.FromHours(1)))));
        var after = Counts();

        var silos = await TwoSilos.ActivationSilosAsync(grains, "wpai-job", "wpai-job-index");
        var index = silos[("wpai-job-index", WpaiCluster.FleetKey)];
        var jobsAwayFromIndex = jobs.Count(j => !silos[("wpai-job", j.Id)].Equals(index));
        Assert.InRange(jobsAwayFromIndex, 1, Jobs - 1); // the two pools live on different silos
        double Delta(string call, string origin) => after.GetValueOrDefault((call, origin)) - before.GetValueOrDefault((call, origin));
        Assert.Equal(Jobs, Delta("IJobGrain.SubmitAsync", CallOrigins.Client));
        Assert.Equal(0, Delta("IJobGrain.SubmitAsync", CallOrigins.OtherSilo) + Delta("IJobGrain.SubmitAsync", CallOrigins.Local));
        Assert.Equal(Jobs, Delta("IPoolSchedulerGrain.EnqueueAsync", CallOrigins.Local));
        Assert.Equal(0, Delta("IPoolSchedulerGrain.EnqueueAsync", CallOrigins.OtherSilo));
        // Each silo groups its jobs' appends (JobIndexAppends): at least one, at most one per job, from where the jobs live.
        Assert.InRange(Delta("IJobIndexGrain.AddAsync", CallOrigins.OtherSilo), 1, jobsAwayFromIndex);
        Assert.InRange(Delta("IJobIndexGrain.AddAsync", CallOrigins.Local), 1, Jobs - jobsAwayFromIndex);
    }

    /// <summary>The calls counted by both silos together.</summary>
    private Dictionary<(string Call, string Origin), double> Counts()
    {
        var total = new Dictionary<(string, string), double>();
        foreach (var silo in _cluster.Silos)
        {
            foreach (var (key, count) in silo.ServiceProvider.GetRequiredService<CallOrigins>().Snapshot())
            {
                total[key] = total.GetValueOrDefault(key) + count;
            }
        }

        return total;
    }
}
