namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// Kueue's <c>whenCanPreempt: TryNextFlavor</c> across pools, through the pool scheduler grains: a job offered on because
/// it could preempt in its first pool may take the next pool only without preempting, and preempts in the first pool;
/// when it can no longer preempt there, the offer is renewed and the next pool may preempt for it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EarliestPoolPreemptionTests(ClusterFixture fixture)
{
    private readonly Fleet _fleet = new(fixture);

    /// <summary>T4 (n1) and P40 (p1), 4 GPUs each, both owned by A and borrowed whole by B (b1 on T4, b2 on P40); A's a1 accepts T4 then P40.</summary>
    private async Task<(string N1, string P1)> BothPoolsBorrowedAsync()
    {
        var f = _fleet;
        var n1 = await f.AddNodeAsync("T4", "n1", 4);
        var p1 = await f.AddNodeAsync("P40", "p1", 4);
        await f.SetQuotaAsync("A", ("T4", 4), ("P40", 4));
        await f.SetQuotaAsync("B", ("T4", 0), ("P40", 0));
        await f.SubmitAsync(f.Job("b1", "B", 4, ["T4"]));
        await f.SubmitAsync(f.Job("b2", "B", 4, ["P40"]));
        await f.ScheduleAsync("T4", "P40");
        Assert.Equal(n1, (await f.JobAsync("b1")).Placement!.Node);
        Assert.Equal(p1, (await f.JobAsync("b2")).Placement!.Node);

        f.Clock.Advance(TimeSpan.FromMinutes(5));
        await f.SubmitAsync(f.Job("a1", "A", 4, ["T4", "P40"]));
        return (n1, p1);
    }

    [Fact]
    public async Task Pass_OfferedOnBecauseItCouldPreemptInTheFirstPool_TheNextPoolDoesNotPreemptAndTheFirstDoes()
    {
        var f = _fleet;
        var (n1, _) = await BothPoolsBorrowedAsync();

        // T4's pass: a1 could preempt b1 but is first offered to P40, which may take it only without preempting.
        await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("T4")).RunPassAsync();
        await Fleet.EventuallyAsync(async () => (await f.PoolViewAsync("P40")).Queue.Any(q => q.JobId == f.Id("a1")), "a1 is offered to P40");
        await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("P40")).RunPassAsync();

        Assert.Equal(JobStatus.Running, (await f.JobAsync("b2")).Status);
        Assert.Equal(JobStatus.Pending, (await f.JobAsync("a1")).Status);
        var offered = Assert.Single((await f.PoolViewAsync("P40")).Queue, q => q.JobId == f.Id("a1"));
        Assert.Contains($"it preempts only in pool {f.Pool("T4")}", offered.Reason, StringComparison.Ordinal);

        // T4's next pass preempts there.
        await f.ScheduleAsync("T4", "P40");

        Assert.Equal(n1, (await f.JobAsync("a1")).Placement!.Node);
        Assert.Equal(f.Id("a1"), (await f.JobAsync("b1")).PreemptedBy);
        var b2 = await f.JobAsync("b2");
        Assert.Equal((JobStatus.Running, 1), (b2.Status, b2.Attempts));
    }

    [Fact]
    public async Task Pass_CanNoLongerPreemptInTheFirstPool_RenewsTheOfferAndTheNextPoolPreempts()
    {
        var f = _fleet;
        var (_, p1) = await BothPoolsBorrowedAsync();
        await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("T4")).RunPassAsync();
        await Fleet.EventuallyAsync(async () => (await f.PoolViewAsync("P40")).Queue.Any(q => q.JobId == f.Id("a1")), "a1 is offered to P40");
        await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("P40")).RunPassAsync();
        Assert.Equal(JobStatus.Running, (await f.JobAsync("b2")).Status);

        // A loses its T4 quota: a1 would borrow there and may not preempt; T4 offers it to P40 again, without the restriction.
        await f.SetQuotaAsync("A", ("T4", 0), ("P40", 4));
        await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("T4")).RunPassAsync();
        await Fleet.EventuallyAsync(
            async () =>
            {
                await f.Grains.GetGrain<IPoolSchedulerGrain>(f.Pool("P40")).RunPassAsync();
                return (await f.JobAsync("a1")).Status == JobStatus.Running;
            },
            "P40 preempts for a1");

        Assert.Equal(p1, (await f.JobAsync("a1")).Placement!.Node);
        Assert.Equal(f.Id("a1"), (await f.JobAsync("b2")).PreemptedBy);
        Assert.Equal(JobStatus.Running, (await f.JobAsync("b1")).Status);
    }
}
