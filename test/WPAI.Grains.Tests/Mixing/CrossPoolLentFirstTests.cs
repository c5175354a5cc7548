namespace WPAI.Grains.Tests.Mixing;

/// <summary>A test cluster whose pool schedulers place short jobs lent-first across pools (<c>LentFirstAcrossPools</c>).</summary>
public sealed class LentFirstClusterFixture : IAsyncLifetime
{
    public ClusterFixture Cluster { get; } = new(o => o.LentFirstAcrossPools = true);

    public Task InitializeAsync() => Cluster.InitializeAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class LentFirstClusterCollection : ICollectionFixture<LentFirstClusterFixture>
{
    public const string Name = "cluster-lent-first";
}

/// <summary>
/// Cross-pool lent-first placement through the grains: a short job that prefers a pool with only a Fixed node, and also
/// accepts a pool with a lent node, runs on the lent node when it outlasts the job; otherwise it keeps its order.
/// </summary>
[Collection(LentFirstClusterCollection.Name)]
public sealed class CrossPoolLentFirstTests(LentFirstClusterFixture fixture)
{
    private readonly Fleet _fleet = new(fixture.Cluster);

    /// <summary>G3 has one free Fixed node, G2 one lent (OfflineNormal) node; department A may use both.</summary>
    private async Task<(string Fixed, string Lent)> PoolsAsync()
    {
        var f = _fleet;
        var fixedNode = await f.AddNodeAsync("G3", "fixed", 4);
        var lent = await f.AddNodeAsync("G2", "lent", 8, mode: NodeMode.OfflineNormal);
        await f.SetQuotaAsync("A", ("G3", 8), ("G2", 8));
        return (fixedNode, lent);
    }

    private async Task<JobView> RunAsync(string id, TimeSpan duration)
    {
        var f = _fleet;
        await f.SubmitAsync(f.Job(id, "A", 2, ["G3", "G2"], duration));
        await f.ScheduleAsync("G2", "G3");
        var job = await f.JobAsync(id);
        Assert.Equal(JobStatus.Running, job.Status);
        return job;
    }

    [Fact]
    public async Task Submit_ShortJob_RunsOnTheLentNodeOfItsSecondPool_BeforeTheFixedNodeOfItsFirst()
    {
        var (_, lent) = await PoolsAsync();

        var job = await RunAsync("short", TimeSpan.FromHours(1));

        Assert.Equal(lent, job.Placement!.Node);
        Assert.Equal(_fleet.Pool("G2"), job.Placement.Pool);
    }

    [Fact]
    public async Task Submit_ShortJob_KeepsItsFirstPool_WhenTheLentNodeIsForecastBackBeforeItEnds()
    {
        var (fixedNode, lent) = await PoolsAsync();
        var now = fixture.Cluster.Clock.GetUtcNow();
        await _fleet.Grains.GetGrain<IPoolSchedulerGrain>(_fleet.Pool("G2")).SetReclaimForecastAsync(
            ImmutableDictionary<string, DateTimeOffset>.Empty.Add(lent, now.AddMinutes(30)));

        var job = await RunAsync("short", TimeSpan.FromHours(1));

        Assert.Equal(fixedNode, job.Placement!.Node);
    }

    [Fact]
    public async Task Submit_LongJob_StaysOnFixedNodes()
    {
        var (fixedNode, _) = await PoolsAsync();

        var job = await RunAsync("long", TimeSpan.FromHours(13));

        Assert.Equal(fixedNode, job.Placement!.Node);
    }
}
