using System.Text.Json.Nodes;
using WPAI.Simulation.Reporting;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

public sealed class DeterminismTests
{
    /// <summary>Removes the fields measured on the wall clock or the process's allocations, which legitimately differ between runs.</summary>
    private static string Stable(SimulationReport report)
    {
        var json = JsonNode.Parse(ReportWriter.ToJson(report))!;
        foreach (var run in json["runs"]!.AsArray())
        {
            run!.AsObject().Remove("wallSeconds");
            run.AsObject().Remove("eventsPerSecond");
            run.AsObject().Remove("allocatedBytesPerEvent");
        }

        return json.ToJsonString();
    }

    [Fact]
    public async Task Simulate_SameSeedTwice_GivesIdenticalReports()
    {
        using var dir = new TempDir();
        var args = new SimulationOptions
        {
            Synthetic = true,
            Jobs = 150,
            NodeCount = 6,
            Days = 1,
            Seed = 11,
            Loads = [1.1],
            Policies = [Policies.PolicyPresets.Wpai, Policies.PolicyPresets.StaticQuota],
            Out = Path.Combine(dir.Path, "a"),
        };

        var first = await SimulationCommand.RunAsync(args, null, TextWriter.Null);
        var second = await SimulationCommand.RunAsync(args with { Out = Path.Combine(dir.Path, "b") }, null, TextWriter.Null);

        Assert.Equal(Stable(first), Stable(second));
        Assert.All(first.Runs, r => Assert.True(r.JobsCompletedTotal > 0));
        Assert.True(File.Exists(Path.Combine(dir.Path, "a", "report.json")));
    }

    [Fact]
    public async Task Simulate_OpenbSlice_ReplaysThroughGrains()
    {
        using var dir = new TempDir();
        var nodes = OpenbNodeReader.Read(SharedData.Trace("openb_node_list_gpu_node.csv"));
        var pods = OpenbPodReader.Read(SharedData.Trace("openb_pod_list_gpuspec33.csv")).Where(p => p.Gpus > 0).Take(120).ToList();
        var prepared = WorkloadPreparer.Prepare("gpuspec33 slice", nodes, pods, new WorkloadOptions(Seed: 3, FleetScale: 0.01, OfferedLoad: 1.0));

        var result = await new Replay.GrainReplayEngine().RunAsync(prepared, Policies.PolicyPresets.Wpai, null, CancellationToken.None);
        var metrics = Metrics.MetricsCalculator.Compute(prepared, result.Log, "wpai", result.WallSeconds, result.Events);

        Assert.Equal(prepared.Jobs.Length, metrics.JobsSubmitted);
        Assert.Equal(prepared.Jobs.Length, metrics.JobsCompletedTotal + metrics.JobsNeverStarted);
        Assert.InRange(metrics.GpuAllocation, 0.01, 1.0);
        Assert.True(metrics.GpuUtilization <= metrics.GpuAllocation);
    }
}
