namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// The calls folded away from a job's life cycle keep their effect: a completed job hands its node's freed capacity to
/// the pool with <c>JobEnded</c> (the node no longer reports the release itself), the scheduler's own releases return
/// the capacity, and concurrent submits that share one append still each land in the job index.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FewerCallsTests(ClusterFixture fixture)
{
    private readonly Fleet _fleet = new(fixture);

    [Fact]
    public async Task Complete_FreesTheNodeInThePoolsLedger_SoTheNextJobIsPlacedThere()
    {
        var f = _fleet;
        var node = await f.AddNodeAsync("T4", "n1", 4);
        await f.SetQuotaAsync("a", ("T4", 4));
        await f.SubmitAsync(f.Job("first", "a", 4, ["T4"]));
        await f.ScheduleAsync("T4");
        Assert.Equal(JobStatus.Running, (await f.JobAsync("first")).Status);
        Assert.Equal(0, (await f.PoolViewAsync("T4")).Free.Gpus);

        await f.Grains.GetGrain<IJobGrain>(f.Id("first")).CompleteAsync(1, succeeded: true, "done");
        await Fleet.EventuallyAsync(async () => (await f.PoolViewAsync("T4")).Free.Gpus == 4, "the pool sees the node's 4 GPUs free again");
        await f.SubmitAsync(f.Job("second", "a", 4, ["T4"]));
        await f.ScheduleAsync("T4");

        var second = await f.JobAsync("second");
        Assert.Equal(JobStatus.Running, second.Status);
        Assert.Equal(node, second.Placement!.Node);
        Assert.Empty((await f.NodeAsync(node)).Allocations.Where(a => a.OwnerId == f.Id("first")));
    }

    [Fact]
    public async Task ReleaseForScheduler_FreesTheAllocation_AndIsANoOpTheSecondTime()
    {
        var node = _fleet.Grains.GetGrain<INodeGrain>(await _fleet.AddNodeAsync("G", "n", 8));
        await node.TryReserveAsync(new ReservationRequest("job-a", AllocationKind.TrainingJob, new Resources(3, 100, 100), [NodeMode.Fixed]));

        var freed = await node.ReleaseForSchedulerAsync("job-a");
        var again = await node.ReleaseForSchedulerAsync("job-a");

        Assert.Equal(8, freed.Free.Gpus);
        Assert.Equal(freed, again);
        Assert.Empty((await node.GetAsync()).Allocations);
    }

    [Fact]
    public async Task JobIndex_RecordsEveryIdOnce_WhenManyAddsArriveTogether()
    {
        var index = _fleet.Grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey);
        var ids = Enumerable.Range(0, 300).Select(i => _fleet.Id($"idx-{i}")).ToArray();

        await Task.WhenAll(ids.Select(id => index.AddAsync([id])));

        var listed = await index.ListAsync(null, 100_000);
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var mine = listed.Where(wanted.Contains).ToArray();
        Assert.Equal(ids.Length, mine.Length);
        Assert.Equal(ids.Order(StringComparer.Ordinal), mine.Order(StringComparer.Ordinal));
    }
}
