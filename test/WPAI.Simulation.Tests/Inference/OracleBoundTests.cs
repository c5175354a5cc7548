using WPAI.Forecasting;
using WPAI.Simulation.Inference;

namespace WPAI.Simulation.Tests.Inference;

/// <summary>The oracle bound: the fewest replica-hours any autoscaler can have on a series without a violation minute.</summary>
public sealed class OracleBoundTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static readonly InferenceSimulationOptions Options = new() { CapacityQps = 10, TargetUtilization = 0.5, ForecastQuantile = null };

    private static LoadSeries Steps(params double[] values) => new("steps", T0, TimeSpan.FromMinutes(5), values);

    [Fact]
    public void Run_ConstantLoad_HoldsExactlyTheReplicasAtFullUtilization()
    {
        // 95 QPS at 10 QPS per replica: 10 replicas at every one of the 81 ticks of 15 s, no violation, no scale event.
        var run = OracleBound.Run(Steps(95, 95, 95, 95, 95), 0, 100, Options);
        Assert.Equal(0, run.SloViolationMinutes);
        Assert.Equal(0, run.ScaleEvents);
        Assert.Equal(10, run.PeakReplicas);
        Assert.Equal(10 * 81 * 0.25 / 60, run.ReplicaHours, 9);
    }

    [Fact]
    public void Run_AboveTheMaximum_CountsViolations_AndTheMinimumHolds()
    {
        // 500 QPS needs 50 replicas; at most 20 may run, so every tick at 500 is a violation; at 0 QPS the minimum (1) runs.
        var run = OracleBound.Run(Steps(0, 0, 500, 500), 0, 20, Options);
        Assert.True(run.SloViolationMinutes > 5);
        Assert.Equal(20, run.PeakReplicas);
        Assert.True(run.ScaleEvents > 0);
    }

    [Fact]
    public void Demand_HoldKeepsEachPointUntilTheNext_LinearRampsToIt()
    {
        var series = Steps(100, 200, 50);
        var mid = T0 + TimeSpan.FromMinutes(2.5);
        Assert.Equal(150, GrainInferenceReplay.Demand(series, mid), 9);
        Assert.Equal(100, GrainInferenceReplay.Demand(series, mid, LoadBetweenPoints.Hold), 9);
        Assert.Equal(200, GrainInferenceReplay.Demand(series, T0 + TimeSpan.FromMinutes(5), LoadBetweenPoints.Hold), 9);
        Assert.Equal(200, GrainInferenceReplay.Demand(series, T0 + TimeSpan.FromMinutes(9.75), LoadBetweenPoints.Hold), 9);
        Assert.Equal(50, GrainInferenceReplay.Demand(series, T0 + TimeSpan.FromMinutes(30), LoadBetweenPoints.Hold), 9);

        // Centre: 100 is the mean of 0–5 min, placed at 2.5 min; 200 at 7.5 min; before the first middle the first value.
        Assert.Equal(100, GrainInferenceReplay.Demand(series, T0, LoadBetweenPoints.Centre), 9);
        Assert.Equal(100, GrainInferenceReplay.Demand(series, mid, LoadBetweenPoints.Centre), 9);
        Assert.Equal(150, GrainInferenceReplay.Demand(series, T0 + TimeSpan.FromMinutes(5), LoadBetweenPoints.Centre), 9);
        Assert.Equal(125, GrainInferenceReplay.Demand(series, T0 + TimeSpan.FromMinutes(10), LoadBetweenPoints.Centre), 9);
    }

    [Fact]
    public void Run_Hold_NeedsTheStepsReplicasFromItsFirstTick()
    {
        // 10 → 95 QPS: held, the oracle runs 10 replicas from the 95-QPS point on; linear, it climbs over the 5 minutes.
        var series = Steps(10, 95, 95);
        var held = OracleBound.Run(series, 0, 100, Options with { WithinStep = LoadBetweenPoints.Hold });
        var linear = OracleBound.Run(series, 0, 100, Options);
        Assert.Equal((1 * 20 + 10 * 21) * 0.25 / 60, held.ReplicaHours, 9);
        Assert.True(linear.ReplicaHours > held.ReplicaHours, $"linear {linear.ReplicaHours} h, held {held.ReplicaHours} h");
    }

    [Theory]
    [InlineData("reactive")]
    [InlineData("hpa")]
    [InlineData("kpa")]
    public async Task Run_NoPolicyThroughTheGrain_IsCheaperWithoutViolations(string policy)
    {
        // Replayed through the real service grain at 100 % target utilization (the oracle's own), a reactive policy
        // pays its 60 s start-up in violation minutes or in replicas held: never both fewer hours and no violation.
        var series = Steps(10, 10, 400, 400, 120, 30, 30, 250, 10, 10);
        var options = Options with { TargetUtilization = 1.0 };
        var oracle = OracleBound.Run(series, 0, 200, options);
        var (run, _) = await GrainInferenceReplay.RunAsync(series, 0, policy, 0, 200, options);
        Assert.Equal(0, oracle.SloViolationMinutes);
        Assert.True(run.SloViolationMinutes > 0 || run.ReplicaHours >= oracle.ReplicaHours, $"{policy}: {run.SloViolationMinutes} min, {run.ReplicaHours} h vs oracle {oracle.ReplicaHours} h");
        Assert.Equal(oracle.EvaluatedMinutes, run.EvaluatedMinutes, 9);
    }
}
