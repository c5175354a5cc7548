using System.Collections.Concurrent;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using WPAI.Grains.Tests.Inference;
using WPAI.Grains.Tests.Storage;
using WPAI.Silo.Hosting;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A storage failure injected where a run's completion and a silo's start-up write or read: nothing is swallowed (the
/// failure is reported as unfinished recovery work), the work is retried with back-off, and once storage is back no
/// job holds GPUs after its run ended and every department ledger matches.
/// </summary>
public sealed class FailureInjectionTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly ConcurrentDictionary<string, (byte[] Data, string ETag)> _records = new();
    private readonly string _serviceId = "wpai-fail-" + Guid.NewGuid().ToString("N")[..8];
    private readonly StorageFaults _storage = new();

    private FakeTimeProvider Clock { get; } = new(Start);

    [Fact]
    public async Task Completion_WhenStorageFailsAtTheEndOfARun_IsRetriedAndTheGpusAreReleased()
    {
        var cluster = await StartAsync();
        try
        {
            var grains = cluster.Client;
            await PlaceOneJobAsync(grains, "done-1");

            // The run ends while the node cannot write: completing it fails, is reported, and nothing is dropped.
            _storage.FailWrites("node");
            Clock.Advance(TimeSpan.FromHours(2));
            var degraded = await EventuallyAsync(grains, h => h.UncompletedRuns == 1);
            Assert.Contains("1 run could not be completed", degraded.Describe(), StringComparison.Ordinal);
            Assert.True(_storage.Injected > 0);

            // Still failing at the first retry: still counted. Wait for the report of that retry (its time), so the next
            // retry is scheduled before the clock moves again.
            Clock.Advance(RunRecovery.Delay(1));
            var retried = Clock.GetUtcNow();
            await EventuallyAsync(grains, h => h.UncompletedRuns == 1 && h.LastError is not null && h.At >= retried);

            // Storage back: the next retry completes the run; the GPUs are free and the ledger is empty.
            _storage.Heal();
            Clock.Advance(RunRecovery.Delay(2));
            await EventuallyAsync(grains, h => h.Healthy);
            await AssertFinishedAndReleasedAsync(grains, "done-1");
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task StartUp_WhenStorageFailsWhileReattaching_IsRetriedAndTheRunEndsAndReleasesItsGpus()
    {
        var first = await StartAsync();
        try
        {
            await PlaceOneJobAsync(first.Client, "resume-1");
        }
        finally
        {
            await StopAsync(first);
        }

        // The silo restarts while department state cannot be read: start-up cannot find the running jobs.
        _storage.FailReads("department");
        var second = await StartAsync();
        try
        {
            var grains = second.Client;
            var degraded = await EventuallyAsync(grains, h => h.ReattachFailed);
            Assert.Contains("running jobs could not be re-attached at start-up", degraded.Describe(), StringComparison.Ordinal);

            // Storage back: the next start-up attempt re-attaches the run, which has ended by now, and completes it.
            _storage.Heal();
            Clock.Advance(TimeSpan.FromHours(2));
            await EventuallyAsync(grains, h => h.Healthy && h.ReattachAttempts >= 1);
            Clock.Advance(TimeSpan.FromSeconds(1)); // the re-attached run's end is past: its timer fires at once
            await EventuallyJobAsync(grains, "resume-1", JobStatus.Succeeded);
            await AssertFinishedAndReleasedAsync(grains, "resume-1");
        }
        finally
        {
            await StopAsync(second);
        }
    }

    private async Task<InProcessTestCluster> StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = _serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(WpaiCluster.StorageProvider, (sp, _) =>
                new FailingGrainStorage(new SharedGrainStorage(_records, sp.GetRequiredService<Serializer>()), _storage));
            silo.Services.AddKeyedSingleton<TimeProvider>(WpaiCluster.ClockKey, Clock);
            silo.AddWpaiGrains(o => o.AutoPass = false);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static async Task StopAsync(InProcessTestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    private static async Task PlaceOneJobAsync(IGrainFactory grains, string jobId)
    {
        await grains.GetGrain<INodeGrain>("node-1").RegisterAsync(new NodeSpec("node-1", "T4", 4, 32_000, 256_000), NodeMode.Fixed);
        await grains.GetGrain<IDepartmentGrain>("research").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("T4", 4));
        await grains.GetGrain<IJobGrain>(jobId).SubmitAsync(new JobSpec(jobId, "research", ["T4"], 2, 4_000, 16_000, TimeSpan.FromHours(1)));
        Assert.Equal(1, await grains.GetGrain<IPoolSchedulerGrain>("T4").RunPassAsync());
        Assert.Equal(JobStatus.Running, (await grains.GetGrain<IJobGrain>(jobId).GetAsync()).Status);
    }

    private static async Task AssertFinishedAndReleasedAsync(IGrainFactory grains, string jobId)
    {
        Assert.Equal(JobStatus.Succeeded, (await grains.GetGrain<IJobGrain>(jobId).GetAsync()).Status);
        var node = await grains.GetGrain<INodeGrain>("node-1").GetAsync();
        Assert.DoesNotContain(node.Allocations, a => a.OwnerId == jobId);
        Assert.Equal(0, node.Allocated.Gpus);
        var department = await grains.GetGrain<IDepartmentGrain>("research").GetAsync();
        Assert.Empty(department.Running);
    }

    /// <summary>Polls the cluster's run health (reports are one-way) until <paramref name="condition"/> holds for the silo.</summary>
    private static async Task<RunHealth> EventuallyAsync(IGrainFactory grains, Func<RunHealth, bool> condition)
    {
        RunHealth? last = null;
        for (var i = 0; i < 200; i++)
        {
            var reports = await grains.GetGrain<IRunHealthGrain>(WpaiCluster.FleetKey).GetAsync();
            last = reports.IsEmpty ? null : reports[^1];
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"run health never met the condition; last report: {last}");
        return last!;
    }

    private static async Task EventuallyJobAsync(IGrainFactory grains, string jobId, JobStatus status)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await grains.GetGrain<IJobGrain>(jobId).GetAsync()).Status == status)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"job {jobId} never reached {status}");
    }
}
