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
/// when the jobs already there have ended; a short job that ends before then is backfilled onto the reserved node.
/// </summary>
public sealed class StarvationReplayTests(ITestOutputHelper output)
{
    /// <summary>The stream; with <paramref name="quick"/> also a 1-GPU job of 1 h at 10.5 h (after the reservation, 1 GPU free).</summary>
    private static PreparedWorkload NeverDrains(bool quick = false)
    {
        const int Hour = 3600;
        SimJob Job(string id, double submitHours, double hours, int gpus) =>
            new(id, TimeSpan.FromSeconds(submitHours * Hour), TimeSpan.FromSeconds(hours * Hour), gpus, 1000, 1000, 1024, ["G"], "BE", "d2", 0.5, 0.5);
        var jobs = Enumerable.Range(0, 12).Select(i => Job($"s{i:00}", i * 2.5, 10, 1)).Append(Job("big", 1, 2, 4));
        return new PreparedWorkload(
            "never-drains",
            [new SimNode("g1", "G", 4, 16000, 65536)],
            [.. (quick ? jobs.Append(Job("quick", 10.5, 1, 1)) : jobs).OrderBy(j => j.Submit)],
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

    [Fact]
    public async Task Replay_Wpai_BackfillsAShortJobOntoTheReservedNode_WithoutDelayingTheReservedJob()
    {
        var starts = await StartsAsync(PolicyPresets.Wpai, quick: true);

        Assert.Equal(10.5, starts["quick"]); // ends at 11.5 h, before big's expected start at 17.5 h
        Assert.Equal(17.5, starts["big"]);
        Assert.Equal(19.5, starts["s04"]); // 10 h long: it would end after 17.5 h, so it is not backfilled
    }

    [Fact]
    public async Task Replay_WpaiNoBackfill_ShortJobWaitsForTheReservedJob()
    {
        var starts = await StartsAsync(PolicyPresets.WpaiNoBackfill, quick: true);

        Assert.Equal(19.5, starts["quick"]);
        Assert.Equal(17.5, starts["big"]);
    }

    private async Task<Dictionary<string, double>> StartsAsync(PolicyPreset policy, bool quick = false)
    {
        var result = await new GrainReplayEngine().RunAsync(NeverDrains(quick), policy, null, CancellationToken.None);
        output.WriteLine(string.Join("\n", result.Log.Events.Select(e => $"{e.At.TotalHours} {e.Kind} {e.JobId} {e.Node} {e.Reason}")));
        return result.Log.Events.Where(e => e.Kind == RunEventKind.Started).ToDictionary(e => e.JobId, e => e.At.TotalHours);
    }
}
