using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Grains.Tests.Inference;

namespace WPAI.Grains.Tests.Mixing;

/// <summary>The mixing controller grain on real node, job, scheduler and inference-service grains.</summary>
[Collection(InferenceClusterCollection.Name)]
public sealed class MixingControllerTests(InferenceClusterFixture fixture)
{
    private readonly MixingPool _p = new(fixture.Grains);

    private static (string, NodeMode, NodeMode, NodeMode) Step(MixingDecision d) => (d.Node, d.From, d.To, d.Target);

    [Fact]
    public async Task Tick_LowUsage_MovesTheReplicasFirst_ThenLendsTheNode_AndTrainingRunsThere()
    {
        var (a, b) = await _p.TwoNodesAsync();
        await _p.Controller.ConfigureAsync(MixingPool.Settings);

        var decisions = await _p.Controller.TickAsync();

        Assert.Equal(
            [(a, NodeMode.OnlineNormal, NodeMode.Unnormal, NodeMode.OfflineNormal), (a, NodeMode.Unnormal, NodeMode.OfflineNormal, NodeMode.OfflineNormal)],
            decisions.Select(Step));
        Assert.Single(decisions[1].MovedReplicas);
        Assert.Contains($"@{b}", decisions[1].MovedReplicas[0], StringComparison.Ordinal);
        var service = await _p.Service.GetAsync();
        Assert.Equal([b], service.Replicas.Select(r => r.Node));
        Assert.Equal(0, service.PendingReplicas);
        var node = await _p.Node("a").GetAsync();
        Assert.Equal(NodeMode.OfflineNormal, node.Mode);
        Assert.Empty(node.Allocations);
        Assert.Equal(NodeMode.OfflineNormal, node.Transitions[^2].Target);

        var view = await _p.Controller.GetAsync();
        Assert.Equal(1, view.Lent);
        Assert.Equal([a], view.LentNodes.ToArray());
        Assert.Equal(8, view.OnlineGpus); // measured before lending
        Assert.Equal(1.0 / 8, view.UsageRate, 9);
        Assert.Equal(decisions.Reverse().Select(Step), view.Decisions.Take(2).Select(Step));

        var job = await _p.SubmitAsync("short", 2, TimeSpan.FromHours(1));
        var running = await _p.JobAsync(job);
        Assert.Equal(JobStatus.Running, running.Status);
        Assert.Equal(a, running.Placement!.Node);

        Assert.Empty(await _p.Controller.TickAsync()); // b is within its dwell time; nothing else to lend
    }

    [Fact]
    public async Task Tick_HighUsage_ReclaimsTheLentNode_DrainingForTheGrace_ThenKillingAndRequeueingItsJob()
    {
        var (a, b) = await _p.TwoNodesAsync();
        await _p.Controller.ConfigureAsync(MixingPool.Settings);
        await _p.Controller.TickAsync();
        var job = await _p.SubmitAsync("victim", 2, TimeSpan.FromHours(3));
        Assert.Equal(a, (await _p.JobAsync(job)).Placement!.Node);

        fixture.Clock.Advance(TimeSpan.FromMinutes(31)); // past the dwell time
        await _p.Service.ScaleAsync(4, "peak"); // b is full: 4 of 4 online GPUs, above max but nothing pending
        var draining = await _p.Controller.TickAsync();

        // Not urgent: the node drains (nothing new lands on it) and its job may still end within the grace.
        Assert.Equal([(a, NodeMode.OfflineNormal, NodeMode.Unnormal, NodeMode.OnlineNormal)], draining.Select(Step));
        Assert.Equal(1.0, draining[0].UsageRate, 9);
        Assert.Equal(JobStatus.Running, (await _p.JobAsync(job)).Status);
        Assert.Equal(NodeMode.Unnormal, (await _p.Node("a").GetAsync()).Mode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Empty(await _p.Controller.TickAsync());
        Assert.Equal(JobStatus.Running, (await _p.JobAsync(job)).Status);

        fixture.Clock.Advance(TimeSpan.FromMinutes(1)); // the 30 minutes' grace is over
        var decisions = await _p.Controller.TickAsync();
        Assert.Equal([(a, NodeMode.Unnormal, NodeMode.OnlineNormal, NodeMode.OnlineNormal)], decisions.Select(Step));
        Assert.Equal([job], decisions[0].KilledJobs.ToArray());
        Assert.Contains("grace", decisions[0].Reason, StringComparison.Ordinal);

        var killed = await _p.JobAsync(job);
        Assert.Equal(JobStatus.Pending, killed.Status);
        Assert.Equal(2, killed.Attempts);
        Assert.Equal("reclaimed", killed.History[^1].Kind);
        Assert.Contains(a, killed.History[^1].Detail, StringComparison.Ordinal);
        Assert.Contains("taken back", killed.Explanation, StringComparison.Ordinal);
        Assert.Contains(job, (await _p.Scheduler.GetAsync()).Queue.Select(q => q.JobId));

        var node = await _p.Node("a").GetAsync();
        Assert.Equal(NodeMode.OnlineNormal, node.Mode);
        Assert.DoesNotContain(node.Allocations, x => x.Kind == AllocationKind.TrainingJob);
        var view = await _p.Controller.GetAsync();
        Assert.Equal((1, 1, 1), (view.Lent, view.Reclaimed, view.Kills));

        // The re-queued job finds no training node now (a and b both serve inference), and nothing lands on a.
        await _p.Scheduler.RunPassAsync();
        Assert.Equal(JobStatus.Pending, (await _p.JobAsync(job)).Status);
        _ = b;
    }

    [Fact]
    public async Task Tick_Reclaim_AJobThatEndsWithinTheGrace_IsNotKilled()
    {
        var (a, _) = await _p.TwoNodesAsync();
        await _p.Controller.ConfigureAsync(MixingPool.Settings);
        await _p.Controller.TickAsync();
        var job = await _p.SubmitAsync("finisher", 2, TimeSpan.FromMinutes(45));
        Assert.Equal(a, (await _p.JobAsync(job)).Placement!.Node);

        fixture.Clock.Advance(TimeSpan.FromMinutes(31));
        await _p.Service.ScaleAsync(4, "peak");
        await _p.Controller.TickAsync();
        Assert.Equal(NodeMode.Unnormal, (await _p.Node("a").GetAsync()).Mode);

        fixture.Clock.Advance(TimeSpan.FromMinutes(14));
        await _p.Grains.GetGrain<IJobGrain>(job).CompleteAsync(1, succeeded: true, "finished while its node drained");
        var decisions = await _p.Controller.TickAsync();

        var done = Assert.Single(decisions);
        Assert.Equal((a, NodeMode.Unnormal, NodeMode.OnlineNormal, NodeMode.OnlineNormal), Step(done));
        Assert.Empty(done.KilledJobs);
        Assert.Equal(JobStatus.Succeeded, (await _p.JobAsync(job)).Status);
        var view = await _p.Controller.GetAsync();
        Assert.Equal((1, 1, 0), (view.Lent, view.Reclaimed, view.Kills));
    }

    [Fact]
    public async Task Tick_Reclaim_WithoutGrace_KillsAtOnce()
    {
        var (a, _) = await _p.TwoNodesAsync();
        await _p.Controller.ConfigureAsync(MixingPool.Settings with { ReclaimGrace = TimeSpan.Zero });
        await _p.Controller.TickAsync();
        var job = await _p.SubmitAsync("victim", 2, TimeSpan.FromHours(1));

        fixture.Clock.Advance(TimeSpan.FromMinutes(31));
        await _p.Service.ScaleAsync(4, "peak");
        var decisions = await _p.Controller.TickAsync();

        Assert.Equal(
            [(a, NodeMode.OfflineNormal, NodeMode.Unnormal, NodeMode.OnlineNormal), (a, NodeMode.Unnormal, NodeMode.OnlineNormal, NodeMode.OnlineNormal)],
            decisions.Select(Step));
        Assert.Equal([job], decisions[1].KilledJobs.ToArray());
    }

    [Fact]
    public async Task Tick_PendingReplicas_ReclaimEvenInsideTheDwellTime()
    {
        var (a, _) = await _p.TwoNodesAsync();
        await _p.Controller.ConfigureAsync(MixingPool.Settings);
        await _p.Controller.TickAsync();
        var job = await _p.SubmitAsync("victim", 1, TimeSpan.FromHours(1));

        await _p.Service.ScaleAsync(5, "burst"); // 4 fit on b, 1 pending
        var decisions = await _p.Controller.TickAsync();

        Assert.Equal(NodeMode.OnlineNormal, decisions[^1].To);
        Assert.Equal([job], decisions[^1].KilledJobs.ToArray());
        Assert.Contains("pending", decisions[0].Reason, StringComparison.Ordinal);
        Assert.Equal(NodeMode.OnlineNormal, (await _p.Node("a").GetAsync()).Mode);
        Assert.Equal(1, (await _p.Controller.GetAsync()).PendingReplicas);

        await _p.Service.ScaleAsync(5, "burst, again"); // the pending replica lands on the reclaimed node
        var service = await _p.Service.GetAsync();
        Assert.Equal(0, service.PendingReplicas);
        Assert.Contains(a, service.Replicas.Select(r => r.Node));
    }

    [Fact]
    public async Task Tick_Off_TakesEveryLentNodeBack()
    {
        var (a, _) = await _p.TwoNodesAsync();
        await _p.Controller.ConfigureAsync(MixingPool.Settings);
        await _p.Controller.TickAsync();
        await _p.Controller.ConfigureAsync(MixingPool.Settings with { Policy = MixingPolicyKind.Off });

        var decisions = await _p.Controller.TickAsync();

        Assert.Equal((a, NodeMode.OnlineNormal), (decisions[^1].Node, decisions[^1].To));
        Assert.Contains("off", decisions[0].Reason, StringComparison.Ordinal);
        Assert.Empty((await _p.Controller.GetAsync()).LentNodes);
    }

    [Fact]
    public async Task Tick_TimeWindowWithAvoidDoomedPlacement_KeepsJobsThatWouldOutliveTheWindowOffTheLentNode()
    {
        var (a, _) = await _p.TwoNodesAsync();
        var now = fixture.Clock.GetUtcNow();
        var window = MixingPool.Settings with
        {
            Policy = MixingPolicyKind.TimeWindow,
            AvoidDoomedPlacement = true,
            WindowStart = TimeOnly.FromDateTime(now.UtcDateTime.AddHours(-1)),
            WindowEnd = TimeOnly.FromDateTime(now.UtcDateTime.AddHours(2)),
        };
        await _p.Controller.ConfigureAsync(window);
        await _p.Controller.TickAsync();
        Assert.Equal(NodeMode.OfflineNormal, (await _p.Node("a").GetAsync()).Mode);

        var tooLong = await _p.SubmitAsync("three-hours", 2, TimeSpan.FromHours(3));
        var fits = await _p.SubmitAsync("one-hour", 2, TimeSpan.FromHours(1));

        Assert.Equal(JobStatus.Pending, (await _p.JobAsync(tooLong)).Status);
        Assert.Equal(a, (await _p.JobAsync(fits)).Placement?.Node);

        // Without the forecast pushed, the same job would be placed.
        await _p.Scheduler.SetReclaimForecastAsync(ImmutableDictionary<string, DateTimeOffset>.Empty);
        await _p.Scheduler.RunPassAsync();
        Assert.Equal(a, (await _p.JobAsync(tooLong)).Placement?.Node);
    }

    [Fact]
    public async Task LongJobs_GoOnlyToFixedNodes_ShortOnesMayUseLentNodes()
    {
        var (a, _) = await _p.TwoNodesAsync();
        var f = await _p.AddNodeAsync("f", 2, NodeMode.Fixed);
        await _p.Controller.ConfigureAsync(MixingPool.Settings);
        await _p.Controller.TickAsync();

        var longJob = await _p.SubmitAsync("long", 2, TimeSpan.FromHours(13)); // over the 12 h threshold
        var flagged = new JobSpec(_p.Name("flagged"), _p.Dept, [_p.Pool], 2, 1_000, 4_000, TimeSpan.FromHours(1), LongRunning: true);
        await fixture.Grains.GetGrain<IJobGrain>(flagged.JobId).SubmitAsync(flagged);
        await _p.Scheduler.RunPassAsync();
        var shortJob = await _p.SubmitAsync("short", 2, TimeSpan.FromHours(1));

        Assert.Equal(f, (await _p.JobAsync(longJob)).Placement?.Node);
        Assert.Equal(JobStatus.Pending, (await _p.JobAsync(flagged.JobId)).Status); // the Fixed node is full; the lent one is not for it
        Assert.Equal(a, (await _p.JobAsync(shortJob)).Placement?.Node);
    }

    [Fact]
    public async Task Controller_NotConfigured_IsNotFound_AndBadSettingsChangeNothing()
    {
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => _p.Controller.GetAsync());
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => _p.Controller.TickAsync());
        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => _p.Controller.ConfigureAsync(MixingPool.Settings with { MaxRate = 0.2 }));
        Assert.Equal("settings.maxRate", e.Field);
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => _p.Controller.GetAsync());

        var view = await _p.Controller.ConfigureAsync(MixingPool.Settings with { MinRate = 0.2 });
        Assert.Equal(0.2, view.Settings.MinRate);
        Assert.Null(view.LastTick);
    }

    [Fact]
    public async Task GetDemand_ForecastsReplicasFromTheDailyProfile()
    {
        await _p.AddNodeAsync("a", 8, NodeMode.OnlineNormal);
        await _p.DeployAsync(1);
        var now = fixture.Clock.GetUtcNow();

        // Two days of history: 40 QPS, except 400 QPS between 2 and 3 hours after "now" on each day.
        await ReportHistoryAsync(now, 2, 3);

        var demand = await _p.Service.GetDemandAsync(TimeSpan.FromHours(4));
        Assert.Equal(48, demand.Forecast.Length); // every 5 minutes
        Assert.Equal(1, demand.Forecast.First(f => f.At == now.AddHours(1)).Replicas);   // 40 / 50 → 1
        Assert.Equal(8, demand.Forecast.First(f => f.At == now.AddHours(2.5)).Replicas); // 400 / 50
        Assert.Equal(8, demand.Forecast.First(f => f.At == now.AddHours(2.5)).BusiestReplicas); // both days alike
        Assert.Equal(1, demand.DesiredReplicas);
        Assert.Equal(1, demand.MinReplicas); // the spec's minimum, for the band read above it
        Assert.Empty((await _p.Service.GetDemandAsync(TimeSpan.Zero)).Forecast);
    }

    [Fact]
    public async Task Tick_ReclaimAhead_TakesTheLentNodeBackBeforeTheForecastPeak()
    {
        await _p.AddNodeAsync("a", 4, NodeMode.OnlineNormal);
        var x = await _p.AddNodeAsync("x", 4, NodeMode.OfflineNormal);
        await _p.DeployAsync(1);
        var now = fixture.Clock.GetUtcNow();
        await ReportHistoryAsync(now, 0.5, 1.5); // every day, 400 QPS (8 replicas) from 30 to 90 minutes after now

        // Reactive: usage 1/4 is inside the band and nothing is pending, so the lent node stays lent.
        await _p.Controller.ConfigureAsync(MixingPool.Settings);
        Assert.Empty(await _p.Controller.TickAsync());

        await _p.Controller.ConfigureAsync(MixingPool.Settings with { ReclaimAhead = true, LookAheadHorizon = TimeSpan.FromHours(1) });
        var decisions = await _p.Controller.TickAsync();

        Assert.Equal((x, NodeMode.OnlineNormal), (decisions[^1].Node, decisions[^1].To));
        Assert.Contains("forecast", decisions[0].Reason, StringComparison.Ordinal);
        var view = await _p.Controller.GetAsync();
        Assert.Equal(8.0 / 4, view.ForecastRate!.Value, 9);
        Assert.Equal(0.25, view.UsageRate, 9);
    }

    [Fact]
    public async Task Tick_LendWhoseReplicasFindNoRoom_IsAbortedBackOnline()
    {
        var a = await _p.AddNodeAsync("a", 4, NodeMode.OnlineNormal);
        await _p.DeployAsync(1);
        await _p.Controller.ConfigureAsync(MixingPool.Settings);
        await _p.Node("a").BeginHandoverAsync(NodeMode.OfflineNormal, "drained by hand"); // the only online node

        var decisions = await _p.Controller.TickAsync();

        Assert.Equal(
            [(a, NodeMode.Unnormal, NodeMode.Unnormal, NodeMode.OnlineNormal), (a, NodeMode.Unnormal, NodeMode.OnlineNormal, NodeMode.OnlineNormal)],
            decisions.Select(Step));
        Assert.Contains("no room", decisions[0].Reason, StringComparison.Ordinal);
        Assert.Equal(NodeMode.OnlineNormal, (await _p.Node("a").GetAsync()).Mode);
        Assert.Equal([a], (await _p.Service.GetAsync()).Replicas.Select(r => r.Node));
        var view = await _p.Controller.GetAsync();
        Assert.Equal((0L, 0L), (view.Lent, view.Reclaimed)); // an aborted lend is neither
    }

    /// <summary>Two days of per-minute history before <paramref name="now"/>: 40 QPS, and 400 QPS from <paramref name="peakFrom"/> to <paramref name="peakTo"/> hours after now's time of day.</summary>
    private async Task ReportHistoryAsync(DateTimeOffset now, double peakFrom, double peakTo)
    {
        for (var m = -2 * 1440; m < 0; m++)
        {
            var at = now.AddMinutes(m);
            var ofDay = (at - now).Add(TimeSpan.FromDays(2)).TotalHours % 24;
            await _p.Service.ReportMetricsAsync(new ServiceMetrics(at, ofDay >= peakFrom && ofDay < peakTo ? 400 : 40, 0.5, 0.5, 0.5, 50, 0));
        }
    }
}
