using System.Collections.Concurrent;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// Which jobs a pool offered on to its next pool lives in memory only: a pool that finds a job queued when it activates
/// cannot tell whether an earlier activation offered it on, so the job's start drops it from every later pool too.
/// </summary>
public sealed class StartRemovalsRestartTests : IDisposable
{
    private readonly ConcurrentDictionary<string, int> _removals = new(StringComparer.Ordinal);
    private readonly SqliteRestartableSilo _silo;

    public StartRemovalsRestartTests() => _silo = new("start-removals", silo => silo.AddOutgoingGrainCallFilter(CountAsync));

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task Start_AfterARestart_OfAJobOfferedOnBeforeIt_RemovesItFromTheLaterPools()
    {
        var first = await _silo.StartAsync();
        try
        {
            var grains = first.Client;
            foreach (var pool in new[] { "A", "B", "C" })
            {
                await grains.GetGrain<INodeGrain>(pool.ToLowerInvariant() + "-n1").RegisterAsync(new NodeSpec(pool.ToLowerInvariant() + "-n1", pool, 8, 64_000, 512_000), NodeMode.Fixed);
            }

            await grains.GetGrain<IDepartmentGrain>("a").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("A", 8).Add("B", 8).Add("C", 8));
            foreach (var pool in new[] { "A", "B" })
            {
                await grains.GetGrain<IJobGrain>("block-" + pool.ToLowerInvariant()).SubmitAsync(new JobSpec("block-" + pool.ToLowerInvariant(), "a", [pool], 8, 1_000, 1_000, TimeSpan.FromHours(100)));
                Assert.Equal(1, await grains.GetGrain<IPoolSchedulerGrain>(pool).RunPassAsync());
            }

            await grains.GetGrain<IJobGrain>("x").SubmitAsync(new JobSpec("x", "a", ["A", "B", "C"], 8, 1_000, 1_000, TimeSpan.FromHours(100)));
            Assert.Equal(0, await grains.GetGrain<IPoolSchedulerGrain>("A").RunPassAsync()); // waits in A, offered on to B
            await Fleet.EventuallyAsync(async () => (await grains.GetGrain<IPoolSchedulerGrain>("B").GetAsync()).Queue.Any(q => q.JobId == "x"), "B holds the job A offered on");
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await _silo.StartAsync();
        try
        {
            var grains = second.Client;
            await grains.GetGrain<IJobGrain>("block-a").CompleteAsync(1, succeeded: true, "done");
            await Fleet.EventuallyAsync(async () => (await grains.GetGrain<IPoolSchedulerGrain>("A").GetAsync()).Free.Gpus == 8, "A sees its node free again");
            Assert.Equal(1, await grains.GetGrain<IPoolSchedulerGrain>("A").RunPassAsync());

            Assert.Equal("a-n1", (await grains.GetGrain<IJobGrain>("x").GetAsync()).Placement!.Node);
            Assert.Equal((1, 1), (_removals.GetValueOrDefault("B"), _removals.GetValueOrDefault("C")));
            await Fleet.EventuallyAsync(async () => !(await grains.GetGrain<IPoolSchedulerGrain>("B").GetAsync()).Queue.Any(q => q.JobId == "x"), "B no longer holds the started job");
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

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
