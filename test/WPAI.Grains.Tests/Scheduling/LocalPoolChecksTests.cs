using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using WPAI.Grains.Scheduling;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A submit that accepts several pools checks each of them; a pool active on the submitting silo that has applied every
/// message the silo sent it answers from its ledger's check view, without a call; a node's change drops the view, so the
/// next check asks the pool and sees the change. Calls counted by an outgoing call filter on the silo.
/// </summary>
public sealed class LocalPoolChecksTests : IClassFixture<LocalPoolChecksTests.Cluster>
{
    private readonly Cluster _cluster;
    private readonly Fleet _fleet;

    public LocalPoolChecksTests(Cluster cluster)
    {
        _cluster = cluster;
        _fleet = new Fleet(cluster.Fixture);
    }

    [Fact]
    public async Task Submit_ToPoolsActiveHere_ChecksThemWithoutACall()
    {
        var f = _fleet;
        await AddPoolsAsync(f, 8, "A", "B", "C");
        await f.SubmitAsync(f.Job("first", "a", 4, ["A", "B", "C"])); // the pools build their check views
        var before = Checks("A") + Checks("B") + Checks("C");

        await f.SubmitAsync(f.Job("second", "a", 4, ["A", "B", "C"]));
        await f.SubmitAsync(f.Job("third", "a", 4, ["C", "B", "A"]));

        Assert.Equal(before, Checks("A") + Checks("B") + Checks("C"));
        Assert.Equal(2, (await f.PoolViewAsync("A")).Queue.Length);
        Assert.Single((await f.PoolViewAsync("C")).Queue);
    }

    [Fact]
    public async Task Submit_AfterANodeJoined_SeesIt_AndAnUnknownPoolIsStillRefused()
    {
        var f = _fleet;
        await AddPoolsAsync(f, 4, "A", "B");
        await f.SubmitAsync(f.Job("warm", "a", 2, ["A", "B"]));
        var refused = await Assert.ThrowsAsync<WpaiValidationException>(() => f.SubmitAsync(f.Job("big", "a", 8, ["A", "B"])));
        Assert.Equal("spec.gpus", refused.Field);

        await f.AddNodeAsync("B", "b-n2", 8);
        await f.SubmitAsync(f.Job("big-2", "a", 8, ["A", "B"]));

        Assert.Contains((await f.PoolViewAsync("B")).Queue, q => q.JobId == f.Id("big-2"));
        var unknown = await Assert.ThrowsAsync<WpaiValidationException>(() => f.SubmitAsync(f.Job("lost", "a", 2, ["A", "Z"])));
        Assert.Equal("spec.gpuModels[1]", unknown.Field);
    }

    [Fact]
    public async Task Submit_WhileAMessageToThePoolIsOnItsWay_AsksThatPool()
    {
        var f = _fleet;
        await AddPoolsAsync(f, 8, "A", "B");
        await f.SubmitAsync(f.Job("warm", "a", 2, ["A", "B"]));
        var outbox = _cluster.Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<PoolOutbox>();
        var (a, b) = (Checks("A"), Checks("B"));

        var onItsWay = outbox.Next(f.Pool("B"));
        await f.SubmitAsync(f.Job("meanwhile", "a", 2, ["A", "B"]));
        Assert.Equal((a, b + 1), (Checks("A"), Checks("B")));

        await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("B")).JobEndedAsync("none", null, null, onItsWay);
        await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("B")).AwaitDeliveredAsync(onItsWay, TimeSpan.FromSeconds(20));
        await f.SubmitAsync(f.Job("after", "a", 2, ["A", "B"]));
        Assert.Equal((a, b + 1), (Checks("A"), Checks("B")));
    }

    private int Checks(string model) => _cluster.Checks(_fleet.Pool(model));

    private static async Task AddPoolsAsync(Fleet f, int gpus, params string[] models)
    {
        foreach (var model in models)
        {
            await f.AddNodeAsync(model, model.ToLowerInvariant() + "-n1", gpus);
        }

        await f.SetQuotaAsync("a", [.. models.Select(m => (m, gpus))]);
    }

    /// <summary>A test cluster whose silo counts the pool checks asked of each pool.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private readonly ConcurrentDictionary<string, int> _checks = new(StringComparer.Ordinal);

        public Cluster() => Fixture = new ClusterFixture(_ => { }, silo => silo.AddOutgoingGrainCallFilter(CountAsync));

        public ClusterFixture Fixture { get; }

        public int Checks(string pool) => _checks.GetValueOrDefault(pool);

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public Task DisposeAsync() => Fixture.DisposeAsync();

        private Task CountAsync(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceName.EndsWith(nameof(IPoolSchedulerGrain), StringComparison.Ordinal)
                && context.MethodName == nameof(IPoolSchedulerGrain.CheckAsync))
            {
                _checks.AddOrUpdate(context.TargetId.Key.ToString()!, 1, (_, n) => n + 1);
            }

            return context.Invoke();
        }
    }
}
