using System.Text.Json.Nodes;
using WPAI.Abstractions.Errors;
using WPAI.Forecasting;
using WPAI.Simulation.Inference;

namespace WPAI.Simulation.Tests.Inference;

public sealed class InferenceReplayTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static readonly InferenceSimulationOptions Options = new() { CapacityQps = 10, TargetUtilization = 0.5, ForecastQuantile = null };

    private static LoadSeries Steps(params double[] values) => new("steps", T0, TimeSpan.FromMinutes(5), values);

    [Fact]
    public async Task Run_ConstantLoad_CountsReplicaHoursAndNoViolation()
    {
        // 100 QPS at 5 QPS per replica target: 20 replicas for 20 minutes (81 ticks of 15 s incl. both ends).
        var series = Steps(100, 100, 100, 100, 100);
        var (run, timeline) = await GrainInferenceReplay.RunAsync(series, 0, "reactive", 0, 100, Options);
        Assert.Equal(0, run.SloViolationMinutes);
        Assert.Equal(0, run.ScaleEvents);
        Assert.Equal(20 * 81 * 0.25 / 60, run.ReplicaHours, 9);
        Assert.Equal(5, timeline.Count);
    }

    [Fact]
    public async Task Run_StaticPeak_NeverScales()
    {
        var (run, _) = await GrainInferenceReplay.RunAsync(Steps(10, 500, 10, 500), 0, "static-peak", 7, 100, Options);
        Assert.Equal(0, run.ScaleEvents);
        Assert.Equal(7, run.PeakReplicas);
        Assert.True(run.SloViolationMinutes > 0); // 7 x 10 QPS cannot serve 500
    }

    [Fact]
    public async Task Run_StartupDelayCausesViolation_ForReactiveOnAJump()
    {
        // Demand ramps 10 -> 400 QPS over 5 minutes; replicas need 60 s to start, so the reactive policies lag.
        var series = Steps(10, 10, 400, 400, 400);
        var (reactive, _) = await GrainInferenceReplay.RunAsync(series, 0, "reactive", 0, 200, Options);
        var (hpa, _) = await GrainInferenceReplay.RunAsync(series, 0, "hpa", 0, 200, Options);
        Assert.True(reactive.SloViolationMinutes > 0);
        Assert.True(hpa.SloViolationMinutes > 0);
    }

    [Theory]
    [InlineData("reactive")]
    [InlineData("hpa")]
    [InlineData("kpa")]
    public async Task Run_TicksPerCall_DoesNotChangeTheRun(string policy)
    {
        // One grain call per tick and 240 ticks per call (ReportAndEvaluateAsync) decide the same.
        var series = Steps(10, 10, 400, 400, 120, 30, 30, 250, 10, 10);
        var (one, oneTimeline) = await GrainInferenceReplay.RunAsync(series, 0, policy, 0, 200, Options with { TicksPerCall = 1 });
        var (batched, batchedTimeline) = await GrainInferenceReplay.RunAsync(series, 0, policy, 0, 200, Options with { TicksPerCall = 240 });
        Assert.True(one.ScaleEvents > 0);
        Assert.Equal(one, batched);
        Assert.Equal(oneTimeline, batchedTimeline);
    }

    [Fact]
    public async Task Run_Kpa_FollowsAJumpWithinItsRateLimits()
    {
        // 400 QPS at 5 QPS per replica target: the KPA reaches 80 replicas (max scale-up rate 1000, panic at 2x).
        var (kpa, _) = await GrainInferenceReplay.RunAsync(Steps(10, 10, 400, 400, 400), 0, "kpa", 0, 200, Options);
        Assert.Equal(80, kpa.PeakReplicas);
        Assert.True(kpa.SloViolationMinutes > 0); // it reacts: the 60 s start-up still costs minutes
    }

    [Fact]
    public async Task Run_WpaiOnTheKpaBase_WithoutAForecast_IsTheKpaThroughTheGrain()
    {
        // Under two days of history the grain's forecaster declines, so wpai is reactive; on the KPA base
        // (Wpai:Inference:Provisioning:KpaReactive) its decisions are Knative's, tick for tick.
        var series = Steps(10, 10, 400, 400, 120, 30, 30, 250, 10, 10);
        var kpaBase = WpaiPolicies.Full(0.9, 0.9, Options, kpa: true);
        var (wpai, wpaiTimeline) = await GrainInferenceReplay.RunAsync(series, 0, "wpai", 0, 200, Options, kpaBase);
        var (kpa, kpaTimeline) = await GrainInferenceReplay.RunAsync(series, 0, "kpa", 0, 200, Options);
        var (formula, _) = await GrainInferenceReplay.RunAsync(series, 0, "wpai", 0, 200, Options, WpaiPolicies.Full(0.9, 0.9, Options));
        Assert.Equal(kpa with { Policy = "wpai" }, wpai);
        Assert.Equal(kpaTimeline, wpaiTimeline);
        Assert.NotEqual(formula.ReplicaHours, wpai.ReplicaHours); // the base does change the decisions
    }

    [Fact]
    public async Task Run_WpaiWithTheTrendLookAhead_MeetsARampTheKpaMisses_ThroughTheGrain()
    {
        // Ramps up over 5 minutes (10 -> 400, 30 -> 250): Knative sizes on the mean of the last 60 s, so a replica ordered
        // now is ready a start-up later for load the ramp has already passed; read on the window's trend a start-up
        // ahead (Wpai:Inference:Provisioning:TrendLookAhead), the count is ordered for the load when it is ready.
        var series = Steps(10, 10, 400, 400, 120, 30, 30, 250, 10, 10);
        var trend = WpaiPolicies.Full(0.9, 0.9, Options, kpa: true, trend: true);
        Assert.Equal(Options.StartupDelay, trend.Provisioning.TrendLookAhead);
        var (wpai, _) = await GrainInferenceReplay.RunAsync(series, 0, "wpai", 0, 200, Options, trend);
        var (kpa, _) = await GrainInferenceReplay.RunAsync(series, 0, "kpa", 0, 200, Options);
        Assert.True(wpai.SloViolationMinutes < kpa.SloViolationMinutes, $"trend {wpai.SloViolationMinutes} vs kpa {kpa.SloViolationMinutes} min");
        Assert.True(wpai.ReplicaHours > kpa.ReplicaHours); // at the same target it buys the minutes with capacity

        // Without the trend it is Knative's run: the look-ahead is what changed it.
        var (noTrend, _) = await GrainInferenceReplay.RunAsync(series, 0, "wpai", 0, 200, Options, WpaiPolicies.For("wpai-no-trend", trend, Options));
        Assert.Equal(kpa.SloViolationMinutes, noTrend.SloViolationMinutes);
        Assert.Equal(kpa.ReplicaHours, noTrend.ReplicaHours, 9);
    }

    [Fact]
    public async Task Run_WpaiWithAccurateForecast_ScalesAheadOfTheJump()
    {
        // The same jump every day at 12:00 for six days: the grain's forecaster learns it from the first five days
        // (its own per-minute history) and the wpai rule scales ahead of it on the sixth.
        var values = new double[6 * 288];
        for (var i = 0; i < values.Length; i++)
        {
            var minuteOfDay = i % 288 * 5;
            values[i] = minuteOfDay is >= 720 and < 780 ? 400 : 10;
        }

        var series = new LoadSeries("daily-jump", T0, TimeSpan.FromMinutes(5), values);
        var evalStart = (5 * 288) + 120; // day 6, 10:00
        var (wpai, _) = await GrainInferenceReplay.RunAsync(series, evalStart, "wpai", 0, 200, Options);
        var (reactive, _) = await GrainInferenceReplay.RunAsync(series, evalStart, "reactive", 0, 200, Options);
        Assert.True(wpai.SloViolationMinutes < reactive.SloViolationMinutes, $"wpai {wpai.SloViolationMinutes} vs reactive {reactive.SloViolationMinutes}");
    }

    [Fact]
    public async Task Command_WritesReportWithRunsPerPolicy()
    {
        var dir = Directory.CreateTempSubdirectory("wpai-sim-").FullName;
        try
        {
            var output = new StringWriter();
            var results = await InferenceSimulationCommand.RunAsync(
                [SharedData.Load("elb_request_count_8c0756.csv")], new InferenceSimulationOptions { Policies = ["wpai", "hpa"], OutputDirectory = dir }, output);
            Assert.Single(results);
            var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")))!;
            Assert.Equal("elb_request_count_8c0756", json["series"]!.GetValue<string>());
            var runs = json["runs"]!.AsArray();
            Assert.Equal(["wpai", "hpa"], runs.Select(r => r!["policy"]!.GetValue<string>()));
            foreach (var r in runs)
            {
                Assert.True(r!["replicaHours"]!.GetValue<double>() > 0);
                Assert.NotNull(r["sloViolationMinutes"]);
                Assert.NotNull(r["scaleEvents"]);
                Assert.NotNull(r["forecastMape"]);
                Assert.NotNull(r["lastValueMape"]);
            }

            // Both iso-SLO directions against hpa, and the oracle bound no run beats without violations.
            var iso = json["isoSlo"]!.AsArray().Select(i => i!["run"]!["policy"]!.GetValue<string>()).ToList();
            Assert.Contains(iso, p => p.StartsWith("hpa@", StringComparison.Ordinal));
            Assert.Contains("wpai@hpa-slo", iso);
            var oracle = json["seriesResults"]![0]!["oracleBound"]!;
            Assert.Equal(0, oracle["sloViolationMinutes"]!.GetValue<double>());
            Assert.All(runs, r => Assert.True(r!["replicaHours"]!.GetValue<double>() >= oracle["replicaHours"]!.GetValue<double>() || r["sloViolationMinutes"]!.GetValue<double>() > 0));
            Assert.Contains(json["targets"]!.AsArray(), t => t!["target"]!.GetValue<string>().StartsWith("iso-SLO, other direction", StringComparison.Ordinal));

            Assert.True(File.Exists(Path.Combine(dir, "report.md")));
            Assert.True(new FileInfo(Path.Combine(dir, "elb_request_count_8c0756-wpai.png")).Length > 1000);
            Assert.Contains("forecaster trained in", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Command_RejectsUnknownPolicy()
    {
        var e = await Assert.ThrowsAsync<WpaiValidationException>(() =>
            InferenceSimulationCommand.RunAsync(["x.csv"], new InferenceSimulationOptions { Policies = ["magic"] }, TextWriter.Null));
        Assert.Contains("unknown policy 'magic'", e.Message, StringComparison.Ordinal);
    }
}
