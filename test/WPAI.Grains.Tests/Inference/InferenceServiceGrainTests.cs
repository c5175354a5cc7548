using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Grains.Tests.Inference;

[Collection(InferenceClusterCollection.Name)]
public sealed class InferenceServiceGrainTests(InferenceClusterFixture fixture)
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private string Pool => $"T4-{_suffix}";

    private string Name(string n) => $"{n}-{_suffix}";

    private async Task AddNodesAsync(int count, int gpus, NodeMode mode = NodeMode.OnlineNormal)
    {
        for (var i = 0; i < count; i++)
        {
            var node = Name($"node{i}");
            await fixture.Grains.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(node, Pool, gpus, 32_000, 128_000), mode);
        }
    }

    private InferenceServiceSpec Spec(string name, int min = 1, int max = 10, double capacity = 100, string? pool = null) =>
        new(Name(name), "resnet18", pool ?? Pool, new Resources(1, 2_000, 8_000), capacity, min, max,
            ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, 50), TimeSpan.FromMilliseconds(200), 0.01);

    private IInferenceServiceGrain Service(string name) => fixture.Grains.GetGrain<IInferenceServiceGrain>(Name(name));

    private static ServiceMetrics Metrics(DateTimeOffset at, double qps, double latency = 50) => new(at, qps, 0.5, 0.5, 0.5, latency, 0);

    private async Task ReportAsync(IInferenceServiceGrain service, double qps, double latency = 50)
    {
        await service.ReportMetricsAsync(Metrics(fixture.Clock.GetUtcNow(), qps, latency));
    }

    [Fact]
    public async Task Deploy_PlacesMinReplicas_OnOnlineNodesOnly()
    {
        await AddNodesAsync(1, 4, NodeMode.Fixed);
        var online = Name("online");
        await fixture.Grains.GetGrain<INodeGrain>(online).RegisterAsync(new NodeSpec(online, Pool, 4, 32_000, 128_000), NodeMode.OnlineNormal);

        var view = await Service("svc").DeployAsync(Spec("svc", min: 2));
        Assert.Equal(2, view.Replicas.Length);
        Assert.All(view.Replicas, r => Assert.Equal(online, r.Node));
        var node = await fixture.Grains.GetGrain<INodeGrain>(online).GetAsync();
        Assert.Equal(2, node.Allocated.Gpus);
        Assert.Equal("Deploy", view.Decisions[0].Kind);
    }

    [Theory]
    [InlineData(5, 2, 100, null, "spec.maxReplicas")]
    [InlineData(1, 3, 0, null, "spec.capacityQps")]
    [InlineData(1, 3, 100, "no-such-pool", "spec.pool")]
    public async Task Deploy_RejectsBadSpec_AndChangesNothing(int min, int max, double capacity, string? pool, string field)
    {
        await AddNodesAsync(1, 4);
        var service = Service("bad");
        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => service.DeployAsync(Spec("bad", min, max, capacity, pool)));
        Assert.Equal(field, e.Field);
        Assert.NotNull(e.Fix);
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => service.GetAsync());
    }

    [Fact]
    public async Task Deploy_RejectsEmptyModel()
    {
        await AddNodesAsync(1, 4);
        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => Service("nomodel").DeployAsync(Spec("nomodel") with { Model = " " }));
        Assert.Equal("spec.model", e.Field);
    }

    [Fact]
    public async Task Evaluate_ExpandsOnQps_AndRecordsMetricObservedAndTarget()
    {
        await AddNodesAsync(2, 8);
        var service = Service("up");
        await service.DeployAsync(Spec("up", min: 2));
        await ReportAsync(service, 300); // 150 QPS per replica vs target 50: ceil(3 x 2) = 6

        var decision = await service.EvaluateAsync();
        Assert.Equal(6, decision.ToReplicas);
        Assert.Equal("Expand", decision.Kind);
        Assert.Equal(ScalingMetric.QpsPerReplica, decision.Metric);
        Assert.Equal(150, decision.Observed);
        Assert.Equal(50, decision.Target);
        Assert.Contains("reactive", decision.Reason, StringComparison.Ordinal); // no forecaster yet
        Assert.Equal(6, (await service.GetAsync()).Replicas.Length);
    }

    [Fact]
    public async Task Evaluate_LatencyBreachForcesExpansion()
    {
        await AddNodesAsync(1, 8);
        var service = Service("slow");
        await service.DeployAsync(Spec("slow", min: 2));
        await ReportAsync(service, 100, latency: 400);
        var decision = await service.EvaluateAsync();
        Assert.Equal("SloBreach", decision.Kind);
        Assert.True(decision.ToReplicas >= 3);
    }

    [Fact]
    public async Task Evaluate_NeverOverCommitsNodes_WhenPoolIsFull()
    {
        await AddNodesAsync(2, 3); // room for 6 one-GPU replicas
        var service = Service("full");
        await service.DeployAsync(Spec("full", min: 1, max: 20));
        await ReportAsync(service, 1_000); // wants 20

        var decision = await service.EvaluateAsync();
        Assert.Equal(20, decision.ToReplicas);
        Assert.Contains("no room", decision.Reason, StringComparison.Ordinal);
        var view = await service.GetAsync();
        Assert.Equal(6, view.Replicas.Length);
        Assert.Equal(14, view.PendingReplicas);
        for (var i = 0; i < 2; i++)
        {
            var node = await fixture.Grains.GetGrain<INodeGrain>(Name($"node{i}")).GetAsync();
            Assert.True(node.Allocated.Gpus <= node.Spec.Gpus);
            Assert.True(node.Free.IsNonNegative);
        }
    }

    [Fact]
    public async Task Scale_ManualOverride_RecordsReason_AndHoldsAgainstAutoscaler()
    {
        await AddNodesAsync(1, 8);
        var service = Service("manual");
        await service.DeployAsync(Spec("manual", min: 1));
        var d = await service.ScaleAsync(4, "launch event");
        Assert.Equal("Manual", d.Kind);
        Assert.Contains("launch event", d.Reason, StringComparison.Ordinal);

        await ReportAsync(service, 10); // would contract
        var held = await service.EvaluateAsync();
        Assert.Equal(4, held.ToReplicas);
        Assert.Contains("manual override", held.Reason, StringComparison.Ordinal);

        await Assert.ThrowsAsync<WpaiValidationException>(() => service.ScaleAsync(50, "too many"));
        await Assert.ThrowsAsync<WpaiValidationException>(() => service.ScaleAsync(2, " "));
    }

    [Fact]
    public async Task Delete_ReleasesEveryReplica()
    {
        await AddNodesAsync(1, 8);
        var service = Service("gone");
        await service.DeployAsync(Spec("gone", min: 3));
        await service.DeleteAsync();
        var node = await fixture.Grains.GetGrain<INodeGrain>(Name("node0")).GetAsync();
        Assert.Equal(0, node.Allocated.Gpus);
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => service.GetAsync());
    }

    [Fact]
    public async Task Forecaster_TrainsOffTheTurn_ThenFeedsDecisions()
    {
        await AddNodesAsync(1, 8);
        var service = Service("fc");
        await service.DeployAsync(Spec("fc", min: 1));
        var start = fixture.Clock.GetUtcNow();
        for (var m = 0; m < 240; m++)
        {
            await service.ReportMetricsAsync(Metrics(start.AddMinutes(m), 40 + (30 * Math.Sin(m / 20.0))));
        }

        var first = await service.EvaluateAsync(); // starts training in the worker
        Assert.Contains("reactive", first.Reason, StringComparison.Ordinal);
        await Fleet.EventuallyAsync(async () => (await service.GetAsync()).Forecaster.Active, "the forecaster is trained");

        var view = await service.GetAsync();
        Assert.True(view.Forecaster.TrainingPoints >= 240);
        Assert.NotNull(view.Forecaster.TrainingTime);
        fixture.Clock.SetUtcNow(start.AddMinutes(240));
        await service.ReportMetricsAsync(Metrics(start.AddMinutes(240), 40));
        var decision = await service.EvaluateAsync();
        Assert.NotNull(decision.Forecast);
    }

    [Fact]
    public async Task Forecaster_FallsBackWithReason_WhenHistoryTooShort()
    {
        await AddNodesAsync(1, 8);
        var service = Service("short");
        await service.DeployAsync(Spec("short", min: 1));
        var start = fixture.Clock.GetUtcNow();
        for (var m = 0; m < 40; m++)
        {
            await service.ReportMetricsAsync(Metrics(start.AddMinutes(m), 40));
        }

        await service.EvaluateAsync();
        await Fleet.EventuallyAsync(async () => (await service.GetAsync()).Forecaster.Status.Contains("history too short", StringComparison.Ordinal), "the forecaster declines");
        var view = await service.GetAsync();
        Assert.False(view.Forecaster.Active);
        Assert.Contains("reactive", view.Forecaster.Status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAndEvaluate_DecidesAsOneReportAndOneEvaluationPerTick()
    {
        await AddNodesAsync(4, 8);
        var perTick = Service("tick");
        var batched = Service("batch");
        await perTick.DeployAsync(Spec("tick", min: 1, max: 12));
        await batched.DeployAsync(Spec("batch", min: 1, max: 12));
        var start = fixture.Clock.GetUtcNow();
        var times = Enumerable.Range(1, 60).Select(k => start.AddSeconds(15 * k)).ToList();
        double Load(int k) => k < 20 ? 40 + (25 * k) : Math.Max(10, 540 - (20 * (k - 20))); // up, then down past the stabilization window

        var expected = new List<ScalingDecisionView>();
        var placed = new List<int>();
        for (var k = 0; k < times.Count; k++)
        {
            fixture.Clock.SetUtcNow(times[k]);
            placed.Add((await perTick.GetAsync()).Replicas.Length);
            await perTick.ReportMetricsAsync(Metrics(times[k], Load(k)));
            expected.Add(await perTick.EvaluateAsync());
        }

        // The same reports in two batches, with the clock already past all of them.
        var reports = times.Select((t, k) => Metrics(t, Load(k))).ToList();
        var ticks = (await batched.ReportAndEvaluateAsync([.. reports.Take(25)])).AddRange(await batched.ReportAndEvaluateAsync([.. reports.Skip(25)]));

        Assert.Equal(expected.Count, ticks.Length);
        Assert.Contains(expected, d => d.ToReplicas > d.FromReplicas);
        Assert.Contains(expected, d => d.ToReplicas < d.FromReplicas);
        for (var k = 0; k < expected.Count; k++)
        {
            Assert.Equal((expected[k].At, expected[k].FromReplicas, expected[k].ToReplicas, expected[k].Kind, expected[k].Reason), (ticks[k].Decision.At, ticks[k].Decision.FromReplicas, ticks[k].Decision.ToReplicas, ticks[k].Decision.Kind, ticks[k].Decision.Reason));
            Assert.Equal(placed[k], ticks[k].Placed);
        }

        Assert.Equal((await perTick.GetAsync()).Replicas.Select(r => r.StartedAt), (await batched.GetAsync()).Replicas.Select(r => r.StartedAt));
    }

    [Fact]
    public async Task ReportAndEvaluate_RejectsReportsAfterTheClock_AndChangesNothing()
    {
        await AddNodesAsync(1, 8);
        var service = Service("future");
        await service.DeployAsync(Spec("future", min: 1));
        var before = await service.GetAsync();
        var now = fixture.Clock.GetUtcNow();
        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => service.ReportAndEvaluateAsync([Metrics(now, 500), Metrics(now.AddSeconds(15), 500)]));
        Assert.Equal("reports[1]", e.Field);
        var after = await service.GetAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.LastMetrics, after.LastMetrics);
    }
}
