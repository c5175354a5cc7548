using Microsoft.Extensions.DependencyInjection;
using WPAI.Grains.Scheduling;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A pool is idle (<see cref="PoolOutbox.IsIdle"/>) after a pass that left its queue empty, until a call reaches it or
/// this silo sends it a message: the replay loops skip only passes that would plan nothing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IdlePoolTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Pool_IsIdleAfterAPassThatLeftNothing_UntilAJobOrAMessageReachesIt()
    {
        var pool = "idle-" + Guid.NewGuid().ToString("N");
        var department = "d-" + Guid.NewGuid().ToString("N");
        var outbox = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<PoolOutbox>();
        var scheduler = fixture.Grains.GetGrain<IPoolSchedulerGrain>(pool);
        await fixture.Grains.GetGrain<INodeGrain>(pool + "-n1").RegisterAsync(new NodeSpec(pool + "-n1", pool, 8, 64_000, 256_000), NodeMode.Fixed);
        await fixture.Grains.GetGrain<IDepartmentGrain>(department).SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add(pool, 8));
        Assert.False(outbox.IsIdle(pool)); // no pass yet

        await scheduler.RunPassAsync();
        Assert.True(outbox.IsIdle(pool));

        // A job queued: busy until a pass places it.
        await fixture.Grains.GetGrain<IJobGrain>(pool + "-a").SubmitAsync(new JobSpec(pool + "-a", department, [pool], 8, 4_000, 16_000, TimeSpan.FromHours(1)));
        Assert.False(outbox.IsIdle(pool));
        Assert.Equal(1, await scheduler.RunPassAsync());
        await scheduler.RunPassAsync(); // after whatever the placement sent the pool
        Assert.True(outbox.IsIdle(pool));

        // A job that must wait keeps the pool busy after its pass.
        await fixture.Grains.GetGrain<IJobGrain>(pool + "-b").SubmitAsync(new JobSpec(pool + "-b", department, [pool], 8, 4_000, 16_000, TimeSpan.FromHours(1)));
        Assert.Equal(0, await scheduler.RunPassAsync());
        Assert.False(outbox.IsIdle(pool));
        await fixture.Grains.GetGrain<IJobGrain>(pool + "-b").CancelAsync("not needed");
        await scheduler.RunPassAsync();
        Assert.True(outbox.IsIdle(pool));

        // A message this silo sent and the pool has not applied yet: not idle, and not after it arrives until a pass.
        var onItsWay = outbox.Next(pool);
        Assert.False(outbox.IsIdle(pool));
        await scheduler.NodeChangedAsync(new NodeCapacity(pool + "-n1", pool, NodeMode.Fixed, new Resources(8, 64_000, 256_000), new Resources(8, 64_000, 256_000), long.MaxValue), onItsWay);
        await scheduler.AwaitDeliveredAsync(onItsWay, TimeSpan.FromSeconds(20));
        Assert.False(outbox.IsIdle(pool));
        Assert.Equal(0, await scheduler.RunPassAfterAsync(onItsWay));
        Assert.True(outbox.IsIdle(pool));
    }

    [Fact]
    public async Task IdlePool_RemovalOfAJobItDoesNotHold_StaysIdleWithoutAPass()
    {
        var pool = "idle-" + Guid.NewGuid().ToString("N");
        var outbox = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<PoolOutbox>();
        var scheduler = fixture.Grains.GetGrain<IPoolSchedulerGrain>(pool);
        await fixture.Grains.GetGrain<INodeGrain>(pool + "-n1").RegisterAsync(new NodeSpec(pool + "-n1", pool, 8, 64_000, 256_000), NodeMode.Fixed);
        await scheduler.RunPassAsync();
        Assert.True(outbox.IsIdle(pool));

        // A job that started in another pool it accepts is dropped from this one, which never held it.
        var removal = outbox.Next(pool);
        Assert.False(outbox.IsIdle(pool));
        await scheduler.RemoveAsync("started-elsewhere", 1, removal);
        await scheduler.AwaitDeliveredAsync(removal, TimeSpan.FromSeconds(20));
        Assert.True(outbox.IsIdle(pool));
    }
}
