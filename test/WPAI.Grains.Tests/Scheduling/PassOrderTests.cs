namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// The actions of one pass that touch the same node run in plan order: a job planned on GPUs that an earlier action's
/// preemption frees reserves them after that release, so the pass places it instead of racing the release.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PassOrderTests(ClusterFixture fixture)
{
    private readonly Fleet _fleet = new(fixture);

    [Fact]
    public async Task Pass_PlacesASecondJobOnGpusAnEarlierPreemptionFreed_InTheSamePass()
    {
        var f = _fleet;
        var node = await f.AddNodeAsync("T4", "n1", 8);
        await f.SetQuotaAsync("A", ("T4", 8));
        await f.SetQuotaAsync("B", ("T4", 0));
        await f.SubmitAsync(f.Job("b1", "B", 8, ["T4"]));
        await f.ScheduleAsync("T4");
        Assert.Equal(Tier.Borrowed, (await f.JobAsync("b1")).Placement!.Tier);

        await f.SubmitAsync(f.Job("a1", "A", 4, ["T4"]));
        await f.SubmitAsync(f.Job("a2", "A", 4, ["T4"]));
        var placed = await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("T4")).RunPassAsync();

        Assert.Equal(2, placed);
        Assert.Equal(node, (await f.JobAsync("a1")).Placement!.Node);
        Assert.Equal(node, (await f.JobAsync("a2")).Placement!.Node);
        Assert.Equal(JobStatus.Pending, (await f.JobAsync("b1")).Status);
    }
}
