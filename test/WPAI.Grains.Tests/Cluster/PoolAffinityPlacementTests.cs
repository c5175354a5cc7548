using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using WPAI.Client;
using WPAI.Grains.Fleet;
using WPAI.Silo.Hosting;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Cluster;

/// <summary>
/// Pool-affinity placement on a cluster of two silos: a pool's scheduler, the jobs submitted to it and its nodes live on
/// one silo, and two pools whose names hash apart live on different silos; the silo of a pool does not depend on the
/// order in which the membership lists the silos.
/// </summary>
public sealed class PoolAffinityPlacementTests : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TwoSilos.StartAsync();

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task JobsAndNodes_ActivateOnTheSiloOfTheirPoolsScheduler_AndTwoPoolsUseBothSilos()
    {
        var grains = _cluster.Client;
        var client = new WpaiClient(grains, Options.Create(new WpaiClientOptions()), NullLogger<WpaiClient>.Instance);
        var pools = TwoSilos.PoolsThatHashApart(_suffix);
        var dept = $"dept-{_suffix}";
        foreach (var pool in pools)
        {
            for (var n = 0; n < 4; n++)
            {
                await client.AddNodeAsync(new NodeSpec($"{pool}-node-{n}", pool, 8, 64_000, 512 * 1024));
            }
        }

        await client.SetQuotaAsync(dept, pools.ToDictionary(p => p, _ => 0));
        var jobs = Enumerable.Range(0, 32).Select(i => (Id: $"job-{_suffix}-{i}", Pool: pools[i % 2])).ToList();
        await Task.WhenAll(jobs.Select(j => client.SubmitJobAsync(new JobSpec(j.Id, dept, [j.Pool], 1, 1_000, 1_024, TimeSpan.FromHours(1)))));
        foreach (var pool in pools)
        {
            await grains.GetGrain<IPoolSchedulerGrain>(pool).RunPassAsync();
        }

        foreach (var job in jobs)
        {
            Assert.Equal(JobStatus.Running, (await client.GetJobAsync(job.Id)).Status);
        }

        var silos = await TwoSilos.ActivationSilosAsync(grains, "wpai-job", "wpai-node", "wpai-pool-scheduler");
        var schedulers = pools.ToDictionary(p => p, p => silos[("wpai-pool-scheduler", p)]);
        Assert.NotEqual(schedulers[pools[0]], schedulers[pools[1]]);
        Assert.All(jobs, j => Assert.Equal(schedulers[j.Pool], silos[("wpai-job", j.Id)]));
        Assert.All(pools, p => Assert.All(
            Enumerable.Range(0, 4),
            n => Assert.Equal(schedulers[p], silos[("wpai-node", $"{p}-node-{n}")])));
    }

    [Fact]
    public void SiloFor_ChoosesTheSameSilo_WhateverTheOrderOfTheMembership()
    {
        var silos = Enumerable.Range(0, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11_000 + i), 1)).ToArray();
        var reversed = silos.Reverse().ToArray();

        foreach (var pool in new[] { "A100", "V100", "T4", "P40", "H100" })
        {
            var chosen = PoolAffinityPlacementDirector.SiloFor(pool, silos);
            Assert.Contains(chosen, silos);
            Assert.Equal(chosen, PoolAffinityPlacementDirector.SiloFor(pool, reversed));
        }
    }
}
