using System.Collections.Immutable;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;
using Xunit.Abstractions;

namespace WPAI.Simulation.Tests;

/// <summary>
/// Right-sizing through the real grains: one 4-GPU node, runs of template t1 each asking 4 GPUs and using a quarter of
/// them (r5 a little more). r1 at 0 for 100 s; r2 at 200; r3, r4 and r5 at 300.
/// </summary>
public sealed class RightSizingReplayTests(ITestOutputHelper output)
{
    private static PreparedWorkload Recurring()
    {
        SimJob Run(string id, int submit, double utilization) =>
            new(id, TimeSpan.FromSeconds(submit), TimeSpan.FromSeconds(100), 4, 1000, 4000, 1024, ["A"], "BE", "d1", utilization, 0.5, Template: "r1");
        return new PreparedWorkload(
            "recurring",
            [new SimNode("a1", "A", 4, 32000, 65536)],
            [Run("r1", 0, 0.25), Run("r2", 200, 0.25), Run("r3", 300, 0.25), Run("r4", 300, 0.25), Run("r5", 300, 0.3)],
            ["A"],
            ["d1"],
            ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty.Add("A", ImmutableDictionary<string, int>.Empty.Add("d1", 4)),
            0, 0, 0, 0, 0, 1, 1, 1);
    }

    [Fact]
    public async Task Replay_Wpai_RightSizesLaterRuns_AndRunsThemSideBySide()
    {
        var (starts, ends, metrics) = await RunAsync(PolicyPresets.Wpai);

        // r1 has no earlier run: all 4 GPUs. r2 on: ceil(4 × 0.25) = 1 GPU, so r3–r5 start together at 300.
        Assert.Equal((0, 4), starts["r1"]);
        Assert.Equal((200, 1), starts["r2"]);
        Assert.Equal((300, 1), starts["r3"]);
        Assert.Equal((300, 1), starts["r4"]);
        Assert.Equal((300, 1), starts["r5"]);

        // Work is constant: r3 uses 1 GPU's worth and keeps 100 s; r5 uses 1.2 GPUs' worth on 1 GPU and stretches to 120 s.
        Assert.Equal(400, ends["r3"]);
        Assert.Equal(420, ends["r5"]);
        Assert.Equal(4, metrics.RightSizedStarts);
        Assert.Equal(1, metrics.StretchedStarts);

        // CPU: asked 4 cores, used half of them: later runs ask ceil(2000 × 1.5) = 3000m.
        Assert.Equal(4, metrics.CpuRightSizedStarts);
    }

    [Theory]
    [InlineData("wpai-no-rightsize")]
    [InlineData("kueue")]
    public async Task Replay_WithoutRightSizing_RunsOneAtATimeOnTheirRequest(string policy)
    {
        var (starts, ends, metrics) = await RunAsync(PolicyPresets.Parse(policy)[0]);

        Assert.All(starts.Values, s => Assert.Equal(4, s.Gpus));
        Assert.Equal([0, 200, 300, 400, 500], starts.Values.Select(s => s.At).Order().ToArray());
        Assert.Equal(600, ends.Values.Max());
        Assert.Equal(0, metrics.RightSizedStarts);
        Assert.Equal(0, metrics.CpuRightSizedStarts);
    }

    private async Task<(Dictionary<string, (double At, int Gpus)> Starts, Dictionary<string, double> Ends, RunMetrics Metrics)> RunAsync(PolicyPreset policy)
    {
        var workload = Recurring();
        var result = await new GrainReplayEngine().RunAsync(workload, policy, null, CancellationToken.None);
        output.WriteLine(string.Join("\n", result.Log.Events.Select(e => $"{e.At.TotalSeconds} {e.Kind} {e.JobId} {e.Gpus} {e.Reason}")));
        var starts = result.Log.Events.Where(e => e.Kind == RunEventKind.Started).ToDictionary(e => e.JobId, e => (e.At.TotalSeconds, e.Gpus));
        var ends = result.Log.Events.Where(e => e.Kind == RunEventKind.Stopped && e.Reason == StopReason.Completed).ToDictionary(e => e.JobId, e => e.At.TotalSeconds);
        return (starts, ends, MetricsCalculator.Compute(workload, result.Log, policy.Name, result.WallSeconds, result.Events));
    }
}
