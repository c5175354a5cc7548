using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using WPAI.Grains.Scheduling;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A job that starts drops its queue entries only from the pools that may hold one: the pools before the placing one in
/// its list (it passed through them), and the later ones only when the placing pool offered it on. Removals counted by
/// an outgoing call filter on the silo (they are one-way, sent before the start returns).
/// </summary>
public sealed class StartRemovalsTests : IClassFixture<StartRemovalsTests.Cluster>
{
    private readonly Cluster _cluster;
    private readonly Fleet _fleet;

    public StartRemovalsTests(Cluster cluster)
    {
        _cluster = cluster;
        _fleet = new Fleet(cluster.Fixture);
    }

    [Fact]
    public async Task Start_InItsFirstPool_NeverOfferedOn_SendsNoRemoval()
    {
        var f = _fleet;
        await AddPoolsAsync(f);
        await f.SubmitAsync(f.Job("x", "a", 4, ["A", "B", "C"]));
        await f.ScheduleAsync("A", "B", "C");

        Assert.Equal("A", Model((await f.JobAsync("x")).Placement!.Pool));
        Assert.Equal((0, 0, 0), (Removals("A"), Removals("B"), Removals("C")));
    }

    [Fact]
    public async Task Start_InTheSecondPool_RemovesFromTheFirstOnly_WhenItWasNotOfferedOn()
    {
        var f = _fleet;
        await AddPoolsAsync(f);
        await BlockAsync(f, "A");
        await f.SubmitAsync(f.Job("x", "a", 8, ["A", "B", "C"]));

        Assert.Equal(0, await Pass(f, "A")); // waits in A (no room, nothing to preempt) and is offered on to B
        await Fleet.EventuallyAsync(async () => await QueuedAsync(f, "B", "x"), "B holds the job A offered on");
        Assert.Equal(1, await Pass(f, "B"));

        Assert.Equal("B", Model((await f.JobAsync("x")).Placement!.Pool));
        Assert.Equal((1, 0), (Removals("A"), Removals("C")));
        await Fleet.EventuallyAsync(async () => !await QueuedAsync(f, "A", "x"), "A no longer holds the started job");
    }

    [Fact]
    public async Task Start_InAPoolThatOfferedItOn_RemovesFromEveryLaterPool()
    {
        var f = _fleet;
        await AddPoolsAsync(f);
        var blocker = await BlockAsync(f, "A");
        await BlockAsync(f, "B");
        await BlockAsync(f, "C");
        await f.SubmitAsync(f.Job("x", "a", 8, ["A", "B", "C"]));

        Assert.Equal(0, await Pass(f, "A"));
        await Fleet.EventuallyAsync(async () => await QueuedAsync(f, "B", "x"), "B holds the job A offered on");
        Assert.Equal(0, await Pass(f, "B"));
        await Fleet.EventuallyAsync(async () => await QueuedAsync(f, "C", "x"), "C holds the job B offered on");
        await f.Grains.GetGrain<IJobGrain>(blocker).CompleteAsync(1, succeeded: true, "done");
        await Fleet.EventuallyAsync(async () => (await f.PoolViewAsync("A")).Free.Gpus == 8, "A sees its node free again");
        Assert.Equal(1, await Pass(f, "A"));

        Assert.Equal("A", Model((await f.JobAsync("x")).Placement!.Pool));
        Assert.Equal((1, 1), (Removals("B"), Removals("C")));
        await Fleet.EventuallyAsync(async () => !await QueuedAsync(f, "B", "x") && !await QueuedAsync(f, "C", "x"), "no later pool holds the started job");
    }

    [Fact]
    public async Task Removal_SentWhenAnEarlierAttemptStarted_KeepsTheLaterAttemptQueued()
    {
        // A removal is one-way and waits for a running pass, while an enqueue interleaves with it: the removal sent when
        // attempt 1 started elsewhere can arrive after attempt 2 (the job preempted there) was queued here.
        var f = _fleet;
        await AddPoolsAsync(f);
        await BlockAsync(f, "A");
        await f.SubmitAsync(f.Job("x", "a", 8, ["A"]));
        var pool = f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("A"));
        await pool.EnqueueAsync(QueueEntryOf(await f.JobAsync("x"), f.Pool("A")) with { Attempt = 2 }, null);

        var outbox = _cluster.Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<PoolOutbox>();

        var removal = outbox.Next(f.Pool("A"));
        await pool.RemoveAsync(f.Id("x"), 1, removal);
        await pool.AwaitDeliveredAsync(removal, TimeSpan.FromSeconds(20));
        Assert.True(await QueuedAsync(f, "A", "x"), "the removal for attempt 1 dropped the queued attempt 2");

        removal = outbox.Next(f.Pool("A"));
        await pool.RemoveAsync(f.Id("x"), 2, removal);
        await pool.AwaitDeliveredAsync(removal, TimeSpan.FromSeconds(20));
        Assert.False(await QueuedAsync(f, "A", "x"), "the removal for attempt 2 left it queued");
    }

    private static QueueEntry QueueEntryOf(JobView job, string pool) =>
        new(job.Spec.JobId, job.Spec.Department, job.Requested, [pool], job.SubmittedAt, TimeSpan.Zero, job.Attempts, false, job.Spec.Duration);

    private int Removals(string model) => _cluster.Removals(_fleet.Pool(model));

    private string Model(string pool) => pool[..pool.IndexOf('-', StringComparison.Ordinal)];

    private static async Task AddPoolsAsync(Fleet f)
    {
        foreach (var model in new[] { "A", "B", "C" })
        {
            await f.AddNodeAsync(model, model.ToLowerInvariant() + "-n1", 8);
        }

        await f.SetQuotaAsync("a", ("A", 8), ("B", 8), ("C", 8));
    }

    /// <summary>Fills the pool's node with an own-quota job of the same department (nothing there to preempt); returns its id.</summary>
    private static async Task<string> BlockAsync(Fleet f, string model)
    {
        var spec = f.Job("block-" + model, "a", 8, [model]);
        await f.SubmitAsync(spec);
        Assert.Equal(1, await Pass(f, model));
        return spec.JobId;
    }

    private static Task<int> Pass(Fleet f, string model) => f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool(model)).RunPassAsync();

    private static async Task<bool> QueuedAsync(Fleet f, string model, string job) =>
        (await f.PoolViewAsync(model)).Queue.Any(q => q.JobId == f.Id(job));

    /// <summary>A test cluster whose silo counts the removals sent to each pool.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private readonly ConcurrentDictionary<string, int> _removals = new(StringComparer.Ordinal);

        public Cluster() => Fixture = new ClusterFixture(_ => { }, silo => silo.AddOutgoingGrainCallFilter(CountAsync));

        public ClusterFixture Fixture { get; }

        public int Removals(string pool) => _removals.GetValueOrDefault(pool);

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public Task DisposeAsync() => Fixture.DisposeAsync();

        private Task CountAsync(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceName.EndsWith(nameof(IPoolSchedulerGrain), StringComparison.Ordinal)
                && context.MethodName == nameof(IPoolSchedulerGrain.RemoveAsync))
            {
                _removals.AddOrUpdate(context.TargetId.Key.ToString()!, 1, (_, n) => n + 1);
            }

            return context.Invoke();
        }
    }
}
