using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Jobs;
using WPAI.Grains.Tests.Inference;

namespace WPAI.Grains.Tests.Mixing;

/// <summary>
/// A checkpointable job on a lent node being taken back is warned (a <c>reclaim-warning</c> event) and killed only after its
/// checkpoint grace; a job that did not declare itself checkpointable is killed when the node's own grace is over.
/// </summary>
[Collection(InferenceClusterCollection.Name)]
public sealed class CheckpointWarningTests(InferenceClusterFixture fixture)
{
    [Fact]
    public async Task Tick_Reclaim_WarnsTheCheckpointableJobAndKillsItOnlyAfterItsGrace()
    {
        var p = new MixingPool(fixture.Grains);
        await p.AddNodeAsync("a", 4, NodeMode.OnlineNormal);
        var x = await p.AddNodeAsync("x", 4, NodeMode.OnlineNormal);
        await p.DeployAsync(1);
        await p.Grains.GetGrain<IDepartmentGrain>(p.Dept).SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add(p.Pool, 8));
        await p.Controller.ConfigureAsync(MixingPool.Settings with { ReclaimGrace = TimeSpan.Zero }); // the node's own grace: none
        Assert.Contains((await p.Controller.TickAsync()), d => d.Node == x && d.To == NodeMode.OfflineNormal);

        var saver = new JobSpec(p.Name("saver"), p.Dept, [p.Pool], 2, 1_000, 4_000, TimeSpan.FromHours(2), Checkpointable: true, CheckpointGrace: TimeSpan.FromMinutes(10));
        var plain = new JobSpec(p.Name("plain"), p.Dept, [p.Pool], 2, 1_000, 4_000, TimeSpan.FromHours(2));
        await p.Grains.GetGrain<IJobGrain>(saver.JobId).SubmitAsync(saver);
        await p.Grains.GetGrain<IJobGrain>(plain.JobId).SubmitAsync(plain);
        await p.Scheduler.RunPassAsync();
        Assert.Equal(x, (await p.JobAsync(saver.JobId)).Placement?.Node);
        Assert.Equal(x, (await p.JobAsync(plain.JobId)).Placement?.Node);

        fixture.Clock.Advance(TimeSpan.FromMinutes(31)); // past the dwell time
        await p.Service.ScaleAsync(4, "peak"); // usage 1.0 > 0.8 on node a alone, but the replicas fit: not urgent
        var first = await p.Controller.TickAsync();

        Assert.Equal([plain.JobId], first.SelectMany(d => d.KilledJobs));
        var warned = await p.JobAsync(saver.JobId);
        Assert.Equal(JobStatus.Running, warned.Status);
        var warning = Assert.Single(warned.History, h => h.Kind == JobLifecycle.ReclaimWarningEvent);
        Assert.Contains(x, warning.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain((await p.JobAsync(plain.JobId)).History, h => h.Kind == JobLifecycle.ReclaimWarningEvent);

        fixture.Clock.Advance(TimeSpan.FromMinutes(5)); // within the 10-minute checkpoint grace
        Assert.Empty((await p.Controller.TickAsync()).SelectMany(d => d.KilledJobs));
        Assert.Equal(JobStatus.Running, (await p.JobAsync(saver.JobId)).Status);

        fixture.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal([saver.JobId], (await p.Controller.TickAsync()).SelectMany(d => d.KilledJobs));
        var killed = await p.JobAsync(saver.JobId);
        Assert.Equal(JobStatus.Pending, killed.Status);
        Assert.Single(killed.History, h => h.Kind == JobLifecycle.ReclaimWarningEvent); // warned once per run
    }

    [Fact]
    public async Task WarnReclaim_JobNotCheckpointableOrElsewhere_ReturnsNullAndRecordsNothing()
    {
        var p = new MixingPool(fixture.Grains);
        await p.AddNodeAsync("f", 4, NodeMode.Fixed);
        await p.Grains.GetGrain<IDepartmentGrain>(p.Dept).SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add(p.Pool, 4));
        var saver = new JobSpec(p.Name("saver"), p.Dept, [p.Pool], 1, 1_000, 4_000, TimeSpan.FromHours(1), Checkpointable: true);
        await p.Grains.GetGrain<IJobGrain>(saver.JobId).SubmitAsync(saver);
        var plain = await p.SubmitAsync("plain", 1, TimeSpan.FromHours(1));

        Assert.Null(await p.Grains.GetGrain<IJobGrain>(plain).WarnReclaimAsync(p.Name("f"), "test"));
        Assert.Null(await p.Grains.GetGrain<IJobGrain>(saver.JobId).WarnReclaimAsync(p.Name("other"), "test"));
        var at = await p.Grains.GetGrain<IJobGrain>(saver.JobId).WarnReclaimAsync(p.Name("f"), "test");
        Assert.Equal(fixture.Clock.GetUtcNow() + JobLifecycle.DefaultCheckpointGrace, at);
        Assert.DoesNotContain((await p.JobAsync(plain)).History, h => h.Kind == JobLifecycle.ReclaimWarningEvent);
    }
}
