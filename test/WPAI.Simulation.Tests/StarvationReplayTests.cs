using System.Collections.Immutable;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;
using Xunit.Abstractions;

namespace WPAI.Simulation.Tests;

/// <summary>
/// A whole-node job in a pool that never drains: one 4-GPU node, d1 owns it and has no jobs; d2 borrows it with a 1-GPU
/// job every 2.5 h (12 of them, 10 h each: four run at any time) and asks for all 4 GPUs at 1 h (2 h). Without a
/// reservation the large job waits until the stream ends; with one it reserves the node at 9 h (8 h waited) and starts
/// when the jobs already there have ended.
/// </summary>
public sealed class StarvationReplayTests(ITestOutputHelper output)
{
    private static PreparedWorkload NeverDrains()
    {
        const int Hour = 3600;
        SimJob Job(string id, double submitHours, double hours, int gpus) =>
            new(id, TimeSpan.FromSeconds(submitHours * Hour), TimeSpan.FromSeconds(hours * Hour), gpus, 1000, 1000, 1024, ["G"], "BE", "d2", 0.5, 0.5);
        return new PreparedWorkload(
            "never-drains",
            [new SimNode("g1", "G", 4, 16000, 65536)],
            [.. Enumerable.Range(0, 12).Select(i => Job($"s{i:00}", i * 2.5, 10, 1)).Append(Job("big", 1, 2, 4)).OrderBy(j => j.Submit)],
            ["G"],
            ["d1", "d2"],
            ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty
                .Add("G", ImmutableDictionary<string, int>.Empty.Add("d1", 4).Add("d2", 0)),
            0, 0, 0, 0, 0, 1, 1, 1);
    }

    [Fact]
    public async Task Replay_Wpai_ReservesTheNodeForTheStarvingWholeNodeJob()
    {
        var starts = await StartsAsync(PolicyPresets.Wpai);

        Assert.Equal(17.5, starts["big"]);  // reserved at 9 h; s01–s03 end at 12.5, 15 and 17.5 h
        Assert.Equal(19.5, starts["s04"]); // arrived at 10 h, kept off the reserved node until big ended
    }

    [Fact]
    public async Task Replay_WpaiNoReservation_LargeJobWaitsUntilTheStreamEnds()
    {
        var starts = await StartsAsync(PolicyPresets.WpaiNoReservation);

        Assert.Equal(37.5, starts["big"]); // the last 1-GPU job ends at 27.5 + 10 h
        Assert.Equal(10, starts["s04"]);
    }

    private async Task<Dictionary<string, double>> StartsAsync(PolicyPreset policy)
    {
        var result = await new GrainReplayEngine().RunAsync(NeverDrains(), policy, null, CancellationToken.None);
        output.WriteLine(string.Join("\n", result.Log.Events.Select(e => $"{e.At.TotalHours} {e.Kind} {e.JobId} {e.Node} {e.Reason}")));
        return result.Log.Events.Where(e => e.Kind == RunEventKind.Started).ToDictionary(e => e.JobId, e => e.At.TotalHours);
    }
}
