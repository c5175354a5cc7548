using System.Collections.Concurrent;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A silo groups its jobs' job-index appends (<see cref="WPAI.Grains.Fleet.JobIndexAppends"/>): the submits that arrive
/// while an append is in flight go out together in the next one, each submit returns only once an append holding its
/// id is durable, and a failed append fails every submit of its group, which the callers' retries then record.
/// </summary>
public sealed class JobIndexAppendsTests : IDisposable
{
    private const int Waiting = 5;
    private readonly SqliteRestartableSilo _silo;
    private readonly TaskCompletionSource _releaseFirst = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<ImmutableArray<string>> _appends = new();
    private volatile string? _hold;
    private volatile string? _failWith;

    public JobIndexAppendsTests() => _silo = new("index-appends", silo => silo.AddIncomingGrainCallFilter(WatchAsync));

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task SubmitsArrivingWhileAnAppendIsInFlight_GoOutInOneAppend_AndEachReturnsOnceItIsDurable()
    {
        var cluster = await _silo.StartAsync();
        try
        {
            var grains = await WithPoolAAsync(cluster);
            _appends.Clear();
            _hold = "g-0";
            var first = Submit(grains, "g-0");
            await _firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var rest = Enumerable.Range(1, Waiting).Select(i => Submit(grains, $"g-{i}")).ToArray();
            await WaitQueuedAsync(grains, Waiting + 1);

            Assert.All(rest, s => Assert.False(s.IsCompleted, "a submit returned before an append holding its id was durable"));
            _releaseFirst.TrySetResult();
            await Task.WhenAll(rest.Append(first));

            var appends = _appends.ToArray();
            Assert.Equal(2, appends.Length);
            Assert.Equal(["g-0"], appends[0].ToArray());
            Assert.Equal(Enumerable.Range(1, Waiting).Select(i => $"g-{i}").Order(StringComparer.Ordinal), appends[1].Order(StringComparer.Ordinal));
            var listed = await grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey).ListAsync(null, 100);
            Assert.All(Enumerable.Range(0, Waiting + 1), i => Assert.Contains($"g-{i}", listed));
        }
        finally
        {
            _releaseFirst.TrySetResult();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task AFailedAppend_FailsEverySubmitOfItsGroup_AndTheirRetriesAreRecorded()
    {
        var cluster = await _silo.StartAsync();
        try
        {
            var grains = await WithPoolAAsync(cluster);
            _hold = "h-0";
            var first = Submit(grains, "h-0");
            await _firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var group = Enumerable.Range(1, Waiting).Select(i => Submit(grains, $"h-{i}")).ToArray();
            await WaitQueuedAsync(grains, Waiting + 1);
            _failWith = "h-1";
            _releaseFirst.TrySetResult();

            await first;
            foreach (var submit in group)
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => submit);
            }

            _failWith = null;
            await Task.WhenAll(Enumerable.Range(1, Waiting).Select(i => Submit(grains, $"h-{i}")));
            var listed = await grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey).ListAsync(null, 100);
            Assert.All(Enumerable.Range(0, Waiting + 1), i => Assert.Contains($"h-{i}", listed));
            Assert.All(Enumerable.Range(0, Waiting + 1), i => Assert.Equal(1, listed.Count(id => id == $"h-{i}")));

            // Every acknowledged submit is durable: a restarted silo reads each job back from storage.
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
            cluster = await _silo.StartAsync();
            foreach (var i in Enumerable.Range(0, Waiting + 1))
            {
                Assert.Equal(JobStatus.Pending, (await cluster.Client.GetGrain<IJobGrain>($"h-{i}").GetAsync()).Status);
            }
        }
        finally
        {
            _releaseFirst.TrySetResult();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private static Task<SubmitResult> Submit(IClusterClient grains, string id) =>
        grains.GetGrain<IJobGrain>(id).SubmitAsync(new JobSpec(id, "d", ["A"], 8, 1_000, 1_000, TimeSpan.FromHours(1)));

    /// <summary>Pool A with one 8-GPU node held by a running job, so the jobs submitted next queue; the pool's view is built.</summary>
    private static async Task<IClusterClient> WithPoolAAsync(InProcessTestCluster cluster)
    {
        var grains = cluster.Client;
        await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "A", 8, 64_000, 512_000), NodeMode.Fixed);
        await grains.GetGrain<IDepartmentGrain>("d").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("A", 8));
        await Submit(grains, "running");
        await grains.GetGrain<IPoolSchedulerGrain>("A").RunPassAsync();
        Assert.Equal(JobStatus.Running, (await grains.GetGrain<IJobGrain>("running").GetAsync()).Status);
        return grains;
    }

    /// <summary>Waits until pool A's queue holds <paramref name="count"/> entries (each submit enqueues before it waits on its append).</summary>
    private static async Task WaitQueuedAsync(IClusterClient grains, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await grains.GetGrain<IPoolSchedulerGrain>("A").GetAsync()).Queue.Length < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"pool A's queue never held {count} entries");
            await Task.Delay(20);
        }
    }

    private async Task WatchAsync(IIncomingGrainCallContext context)
    {
        if (context.InterfaceName.EndsWith(nameof(IJobIndexGrain), StringComparison.Ordinal)
            && context.MethodName == nameof(IJobIndexGrain.AddAsync)
            && context.Request.GetArgument(0) is ImmutableArray<string> ids)
        {
            if (_hold is { } hold && ids.Contains(hold))
            {
                _firstArrived.TrySetResult();
                await _releaseFirst.Task;
            }

            if (_failWith is { } fail && ids.Contains(fail))
            {
                throw new InvalidOperationException("append refused by the test");
            }

            _appends.Enqueue(ids);
        }

        await context.Invoke();
    }
}
