namespace WPAI.Grains.Tests.Scheduling;

[Collection(ClusterCollection.Name)]
public sealed class SchedulingTests(ClusterFixture fixture)
{
    private readonly Fleet _fleet = new(fixture);

    [Fact]
    public async Task Place_BestFitAcrossNodes_NeverOverCommits()
    {
        var f = _fleet;
        var n1 = await f.AddNodeAsync("T4", "n1", 4);
        var n2 = await f.AddNodeAsync("T4", "n2", 4);
        await f.AddNodeAsync("P40", "p1", 8);
        await f.SetQuotaAsync("A", ("T4", 4), ("P40", 4));
        await f.SetQuotaAsync("B", ("T4", 4), ("P40", 4));

        await f.SubmitAsync(f.Job("a1", "A", 3, ["T4"]));
        await f.ScheduleAsync("T4");
        await f.SubmitAsync(f.Job("a2", "A", 1, ["T4"]));
        await f.SubmitAsync(f.Job("b1", "B", 4, ["T4"]));
        await f.SubmitAsync(f.Job("b2", "B", 2, ["T4"]));
        await f.ScheduleAsync("T4");

        Assert.Equal(n1, (await f.JobAsync("a1")).Placement!.Node);
        Assert.Equal(n1, (await f.JobAsync("a2")).Placement!.Node); // best fit fills n1's last GPU
        Assert.Equal(n2, (await f.JobAsync("b1")).Placement!.Node);
        var b2 = await f.JobAsync("b2");
        Assert.Equal(JobStatus.Pending, b2.Status);
        foreach (var node in new[] { n1, n2 })
        {
            var view = await f.NodeAsync(node);
            Assert.True(view.Allocations.Sum(a => a.Resources.Gpus) <= view.Spec.Gpus);
            Assert.Equal(0, view.Free.Gpus);
        }

        var pool = await f.PoolViewAsync("T4");
        var queued = Assert.Single(pool.Queue);
        Assert.Equal(b2.Spec.JobId, queued.JobId);
        Assert.Equal(Tier.Borrowed, queued.Tier);
        Assert.Contains("no capacity in pool", queued.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preempt_OwnQuotaJob_ReclaimsBorrowedGpusAndVictimKeepsWaitTime()
    {
        var f = _fleet;
        var n1 = await f.AddNodeAsync("T4", "n1", 4);
        await f.AddNodeAsync("T4", "n2", 4);
        await f.SetQuotaAsync("A", ("T4", 8));
        await f.SetQuotaAsync("B", ("T4", 0));

        await f.SubmitAsync(f.Job("b1", "B", 4, ["T4"]));
        await f.SubmitAsync(f.Job("b2", "B", 4, ["T4"]));
        f.Clock.Advance(TimeSpan.FromMinutes(5));
        await f.ScheduleAsync("T4");
        var b1Before = await f.JobAsync("b1");
        Assert.Equal(JobStatus.Running, b1Before.Status);
        Assert.Equal(Tier.Borrowed, b1Before.Placement!.Tier);
        Assert.Equal(TimeSpan.FromMinutes(5), b1Before.WaitTime);

        f.Clock.Advance(TimeSpan.FromMinutes(10));
        await f.SubmitAsync(f.Job("a1", "A", 4, ["T4"]));
        await f.ScheduleAsync("T4");

        var a1 = await f.JobAsync("a1");
        Assert.Equal(JobStatus.Running, a1.Status);
        Assert.Equal(Tier.Own, a1.Placement!.Tier);
        Assert.Equal(n1, a1.Placement.Node);

        var b1 = await f.JobAsync("b1");
        Assert.Equal(JobStatus.Pending, b1.Status);
        Assert.Equal(2, b1.Attempts);
        Assert.Equal(a1.Spec.JobId, b1.PreemptedBy);
        Assert.Contains(a1.Spec.JobId, b1.Explanation, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(5), b1.WaitTime); // wait before its first start is kept
        Assert.Equal(JobStatus.Running, (await f.JobAsync("b2")).Status);

        f.Clock.Advance(TimeSpan.FromMinutes(3));
        var pool = await f.PoolViewAsync("T4");
        var queued = Assert.Single(pool.Queue);
        Assert.Equal(b1.Spec.JobId, queued.JobId);
        Assert.Equal(TimeSpan.FromMinutes(8), queued.Waited);
        Assert.Equal(1, pool.Preemptions);

        var a = await f.Grains.GetGrain<IDepartmentGrain>(f.Dept("A")).GetAsync();
        var b = await f.Grains.GetGrain<IDepartmentGrain>(f.Dept("B")).GetAsync();
        Assert.Equal(new PoolUsage(4, 0), a.Usage[f.Pool("T4")]);
        Assert.Equal(new PoolUsage(0, 4), b.Usage[f.Pool("T4")]);
    }

    [Fact]
    public async Task Fallback_NextGpuModel_WhenPreferredIsFull_AndSingleModelJobWaits()
    {
        var f = _fleet;
        await f.AddNodeAsync("T4", "n1", 4);
        var p1 = await f.AddNodeAsync("P40", "p1", 8);
        await f.SetQuotaAsync("A", ("T4", 4), ("P40", 8));

        await f.SubmitAsync(f.Job("a1", "A", 4, ["T4"]));
        await f.ScheduleAsync("T4");
        await f.SubmitAsync(f.Job("a2", "A", 4, ["T4", "P40"]));
        await f.SubmitAsync(f.Job("a3", "A", 4, ["T4"]));

        await Fleet.EventuallyAsync(
            async () =>
            {
                await f.ScheduleAsync("T4", "P40");
                return (await f.JobAsync("a2")).Status == JobStatus.Running;
            },
            "a2 falls back to P40");

        var a2 = await f.JobAsync("a2");
        Assert.Equal(p1, a2.Placement!.Node);
        Assert.Equal(f.Pool("P40"), a2.Placement.Pool);
        var a3 = await f.JobAsync("a3");
        Assert.Equal(JobStatus.Pending, a3.Status);
        var queue = (await f.PoolViewAsync("T4")).Queue;
        Assert.Equal([a3.Spec.JobId], queue.Select(q => q.JobId));
        Assert.Empty((await f.PoolViewAsync("P40")).Queue);
    }

    [Fact]
    public async Task Rank_LongerWaitingBorrowedJob_GoesFirst()
    {
        var f = _fleet;
        await f.AddNodeAsync("T4", "n1", 4);
        await f.SetQuotaAsync("C", ("T4", 0));
        await f.SubmitAsync(f.Job("blocker", "C", 4, ["T4"], TimeSpan.FromHours(1)));
        await f.ScheduleAsync("T4");

        await f.SubmitAsync(f.Job("j1", "C", 4, ["T4"]));
        f.Clock.Advance(TimeSpan.FromMinutes(30));
        await f.SubmitAsync(f.Job("j2", "C", 4, ["T4"]));
        await f.ScheduleAsync("T4");

        var queue = (await f.PoolViewAsync("T4")).Queue;
        Assert.Equal([f.Id("j1"), f.Id("j2")], queue.Select(q => q.JobId));
        Assert.Equal(30, queue[0].Score - queue[1].Score, 6);

        f.Clock.Advance(TimeSpan.FromMinutes(31));
        await Fleet.EventuallyAsync(async () => (await f.JobAsync("blocker")).Status == JobStatus.Succeeded, "the blocker completes");
        await Fleet.EventuallyAsync(
            async () =>
            {
                await f.ScheduleAsync("T4");
                return (await f.JobAsync("j1")).Status == JobStatus.Running;
            },
            "j1 is placed");
        Assert.Equal(JobStatus.Pending, (await f.JobAsync("j2")).Status);
    }

    [Fact]
    public async Task Rank_DepartmentWithLowGpuUtilization_RanksBelowHighUtilization()
    {
        var f = _fleet;
        await f.AddNodeAsync("T4", "n1", 4);
        await f.SetQuotaAsync("Low", ("T4", 0));
        await f.SetQuotaAsync("High", ("T4", 0));
        await f.SubmitAsync(f.Job("l0", "Low", 1, ["T4"], TimeSpan.FromMinutes(1), workload: new WorkloadProfile(0.2, 0.1, 0.5, 0.6)));
        await f.SubmitAsync(f.Job("h0", "High", 1, ["T4"], TimeSpan.FromMinutes(1), workload: new WorkloadProfile(0.9, 0.1, 0.5, 0.6)));
        await f.ScheduleAsync("T4");
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        await Fleet.EventuallyAsync(
            async () => (await f.JobAsync("l0")).Status == JobStatus.Succeeded && (await f.JobAsync("h0")).Status == JobStatus.Succeeded,
            "the history jobs complete");

        await f.SubmitAsync(f.Job("blocker", "Low", 4, ["T4"], TimeSpan.FromHours(1), workload: new WorkloadProfile(0.2, 0.1, 0.5, 0.6)));
        await f.ScheduleAsync("T4");
        await f.SubmitAsync(f.Job("l1", "Low", 4, ["T4"]));
        await f.SubmitAsync(f.Job("h1", "High", 4, ["T4"]));

        await Fleet.EventuallyAsync(
            async () =>
            {
                var queue = (await f.PoolViewAsync("T4")).Queue;
                return queue.Length == 2 && queue[0].JobId == f.Id("h1") && Math.Abs(queue[0].Score - queue[1].Score - 350) < 1e-6;
            },
            "h1 ranks 350 points above l1 (penalty 500 × (0.9 − 0.2))");

        f.Clock.Advance(TimeSpan.FromHours(1));
        await Fleet.EventuallyAsync(
            async () =>
            {
                await f.ScheduleAsync("T4");
                return (await f.JobAsync("h1")).Status == JobStatus.Running;
            },
            "h1 is placed first");
        Assert.Equal(JobStatus.Pending, (await f.JobAsync("l1")).Status);
    }

    [Fact]
    public async Task Submit_RecurringJobAtLowUtilization_IsRightSized()
    {
        var f = _fleet;
        await f.AddNodeAsync("T4", "n1", 8);
        await f.SetQuotaAsync("R", ("T4", 8));
        var workload = new WorkloadProfile(GpuUtilization: 0.4, GpuMemoryFraction: 0.3, CpuAverage: 0.5, CpuPeak: 0.75);
        await f.SubmitAsync(f.Job("r1", "R", 4, ["T4"], TimeSpan.FromMinutes(1), "train-x", workload, cpuMilli: 4_000));
        await f.ScheduleAsync("T4");
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        await Fleet.EventuallyAsync(async () => (await f.JobAsync("r1")).Status == JobStatus.Succeeded, "r1 completes");
        Assert.Equal(0.4, (await f.JobAsync("r1")).EffectiveGpuUtilization!.Value, 9);

        var r2 = (await f.SubmitAsync(f.Job("r2", "R", 4, ["T4"], TimeSpan.FromMinutes(1), "train-x", workload, cpuMilli: 4_000))).Job;

        Assert.Equal(2, r2.Requested.Gpus);          // ceil(4 × 0.4)
        Assert.Equal(3_000, r2.Requested.CpuMilli);  // average 2,000m × 1.5
        Assert.Contains(r2.History, e => e.Kind == "right-sized");
        await f.ScheduleAsync("T4");
        Assert.Equal(2, (await f.JobAsync("r2")).Placement!.Resources.Gpus);
    }

    [Fact]
    public async Task Submit_SameIdTwice_YieldsOneJob()
    {
        var f = _fleet;
        var n1 = await f.AddNodeAsync("T4", "n1", 4);
        await f.SetQuotaAsync("A", ("T4", 4));
        var spec = f.Job("once", "A", 1, ["T4"]);

        var first = await f.SubmitAsync(spec);
        var second = await f.SubmitAsync(spec);
        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Single((await f.PoolViewAsync("T4")).Queue);

        await f.ScheduleAsync("T4");
        await f.SubmitAsync(spec);
        await f.ScheduleAsync("T4");
        var node = await f.NodeAsync(n1);
        Assert.Equal([spec.JobId], node.Allocations.Select(a => a.OwnerId));
        Assert.Equal(1, (await f.JobAsync("once")).Attempts);
    }
}
