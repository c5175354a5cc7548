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
    public void Run_ConstantLoad_CountsReplicaHoursAndNoViolation()
    {
        // 100 QPS at 5 QPS per replica target: 20 replicas for 20 minutes (81 ticks of 15 s incl. both ends).
        var series = Steps(100, 100, 100, 100, 100);
        var (run, timeline) = InferenceReplay.Run(series, 0, null, "reactive", 0, 100, Options);
        Assert.Equal(0, run.SloViolationMinutes);
        Assert.Equal(0, run.ScaleEvents);
        Assert.Equal(20 * 81 * 0.25 / 60, run.ReplicaHours, 9);
        Assert.Equal(5, timeline.Count);
    }

    [Fact]
    public void Run_StaticPeak_NeverScales()
    {
        var (run, _) = InferenceReplay.Run(Steps(10, 500, 10, 500), 0, null, "static-peak", 7, 100, Options);
        Assert.Equal(0, run.ScaleEvents);
        Assert.Equal(7, run.PeakReplicas);
        Assert.True(run.SloViolationMinutes > 0); // 7 x 10 QPS cannot serve 500
    }

    [Fact]
    public void Run_StartupDelayCausesViolation_ForReactiveOnAJump()
    {
        // Demand ramps 10 -> 400 QPS over 5 minutes; replicas need 60 s to start, so the reactive policies lag.
        var series = Steps(10, 10, 400, 400, 400);
        var (reactive, _) = InferenceReplay.Run(series, 0, null, "reactive", 0, 200, Options);
        var (hpa, _) = InferenceReplay.Run(series, 0, null, "hpa", 0, 200, Options);
        Assert.True(reactive.SloViolationMinutes > 0);
        Assert.True(hpa.SloViolationMinutes > 0);
    }

    [Fact]
    public void Run_WpaiWithAccurateForecast_ScalesAheadOfTheJump()
    {
        var series = Steps(10, 10, 400, 400, 400);
        var perfect = new double[]?[series.Count];
        for (var k = 0; k < series.Count - 1; k++)
        {
            perfect[k] = [series.Values[k + 1]];
        }

        var (wpai, _) = InferenceReplay.Run(series, 0, perfect, "wpai", 0, 200, Options);
        var (reactive, _) = InferenceReplay.Run(series, 0, null, "reactive", 0, 200, Options);
        Assert.True(wpai.SloViolationMinutes < reactive.SloViolationMinutes, $"wpai {wpai.SloViolationMinutes} vs reactive {reactive.SloViolationMinutes}");
    }

    [Fact]
    public void PathMax_InterpolatesToTheLookAhead_OnCoarseSteps()
    {
        var series = new LoadSeries("s", T0, TimeSpan.FromMinutes(30), [100, 100, 100]);

        // From 100 observed at t0 to a forecast of 400 at t0 + 30 min: at t0 + 10 min the path is at 200.
        Assert.Equal(200, InferenceReplay.PathMax(series, 0, 100, [400], T0.AddMinutes(5), T0.AddMinutes(10)), 9);
        Assert.Equal(400, InferenceReplay.PathMax(series, 0, 100, [400], T0.AddMinutes(25), T0.AddMinutes(40)), 9);
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
