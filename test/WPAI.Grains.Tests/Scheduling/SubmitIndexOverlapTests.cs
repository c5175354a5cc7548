namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A submit's two writes before the job's own record, its queue entry and its job-index entry, are in flight together
/// when this silo's view of the pools already accepts the job; a job the pools refuse adds no index entry. The job's
/// record still comes last: the submit returns only when both are durable.
/// </summary>
public sealed class SubmitIndexOverlapTests : IDisposable
{
    private readonly SqliteRestartableSilo _silo;
    private readonly TaskCompletionSource _releaseEnqueue = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _indexAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _held;

    public SubmitIndexOverlapTests() => _silo = new("submit-index", silo => silo.AddIncomingGrainCallFilter(HoldAsync));

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task Submit_AddsTheIndexEntryWhileTheEnqueueIsInFlight_WhenThePoolAcceptsTheJob()
    {
        var cluster = await _silo.StartAsync();
        try
        {
            var grains = await WithAJobQueuedInPoolAAsync(cluster);

            _held = "x";
            var submit = grains.GetGrain<IJobGrain>("x").SubmitAsync(new JobSpec("x", "d", ["A"], 1, 1_000, 1_000, TimeSpan.FromHours(1)));
            var first = await Task.WhenAny(_indexAdded.Task, submit, Task.Delay(TimeSpan.FromSeconds(10)));
            var addedWhileHeld = first == _indexAdded.Task;
            _releaseEnqueue.TrySetResult();
            await submit;

            Assert.True(addedWhileHeld, "the job index's add arrived only after the enqueue returned");
            Assert.Contains("x", await grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey).ListAsync(null, 10));
            Assert.Contains((await grains.GetGrain<IPoolSchedulerGrain>("A").GetAsync()).Queue, q => q.JobId == "x");
        }
        finally
        {
            _releaseEnqueue.TrySetResult();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Submit_RefusedByThePool_AddsNoIndexEntry()
    {
        var cluster = await _silo.StartAsync();
        try
        {
            var grains = await WithAJobQueuedInPoolAAsync(cluster);

            await Assert.ThrowsAsync<WpaiValidationException>(() =>
                grains.GetGrain<IJobGrain>("too-big").SubmitAsync(new JobSpec("too-big", "d", ["A"], 16, 1_000, 1_000, TimeSpan.FromHours(1))));

            Assert.DoesNotContain("too-big", await grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey).ListAsync(null, 10));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Pool A with one 8-GPU node, department d owning it, and one job submitted there (the pool active, its view built).</summary>
    private static async Task<IClusterClient> WithAJobQueuedInPoolAAsync(InProcessTestCluster cluster)
    {
        var grains = cluster.Client;
        await grains.GetGrain<INodeGrain>("n1").RegisterAsync(new NodeSpec("n1", "A", 8, 64_000, 512_000), NodeMode.Fixed);
        await grains.GetGrain<IDepartmentGrain>("d").SetQuotaAsync(ImmutableDictionary<string, int>.Empty.Add("A", 8));
        await grains.GetGrain<IJobGrain>("first").SubmitAsync(new JobSpec("first", "d", ["A"], 1, 1_000, 1_000, TimeSpan.FromHours(1)));
        return grains;
    }

    private async Task HoldAsync(IIncomingGrainCallContext context)
    {
        if (_held is { } held)
        {
            if (context.InterfaceName.EndsWith(nameof(IPoolSchedulerGrain), StringComparison.Ordinal)
                && context.MethodName == nameof(IPoolSchedulerGrain.EnqueueAsync)
                && context.Request.GetArgument(0) is QueueEntry entry && entry.JobId == held)
            {
                await _releaseEnqueue.Task;
            }
            else if (context.InterfaceName.EndsWith(nameof(IJobIndexGrain), StringComparison.Ordinal)
                && context.MethodName == nameof(IJobIndexGrain.AddAsync)
                && context.Request.GetArgument(0) is ImmutableArray<string> ids && ids.Contains(held))
            {
                _indexAdded.TrySetResult();
            }
        }

        await context.Invoke();
    }
}
