using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

/// <summary>
/// Same input, same schedule, whatever the timing of the silo. Pools P (one 8-GPU node, owned by d1) and Q (one 4-GPU
/// node, owned by d2), passed in that order. At 0 h, b (d3, 8 GPUs) borrows all of P and x (d2, 4 GPUs, 1 h) fills Q; at
/// 0.5 h c (d3, 4 GPUs, P or Q) waits in both. At 1 h x ends and a (d1, 4 GPUs, P only) arrives: P's pass preempts b for
/// a, which leaves 4 GPUs that c could take — but only once b's release has reached the node. Whether c's reservation
/// came before or after that release used to decide whether c ran in P or, at Q's pass, in Q; with
/// <see cref="SlowReservations"/> the release always comes first.
/// </summary>
public sealed class ReplayContentionTests
{
    private static PreparedWorkload LeftoverOfAPreemption()
    {
        const int Hour = 3600;
        SimJob Job(string id, double submitHours, double hours, int gpus, string department, params string[] pools) =>
            new(id, TimeSpan.FromSeconds(submitHours * Hour), TimeSpan.FromSeconds(hours * Hour), gpus, 1000, 1000, 1024, [.. pools], "BE", department, 0.5, 0.5);
        var quotas = ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty
            .Add("P", ImmutableDictionary<string, int>.Empty.Add("d1", 8).Add("d2", 0).Add("d3", 0))
            .Add("Q", ImmutableDictionary<string, int>.Empty.Add("d1", 0).Add("d2", 4).Add("d3", 0));
        return new PreparedWorkload(
            "leftover-of-a-preemption",
            [new SimNode("p1", "P", 8, 16000, 65536), new SimNode("q1", "Q", 4, 16000, 65536)],
            [Job("b", 0, 10, 8, "d3", "P"), Job("x", 0, 1, 4, "d2", "Q"), Job("c", 0.5, 5, 4, "d3", "P", "Q"), Job("a", 1, 5, 4, "d1", "P")],
            ["P", "Q"],
            ["d1", "d2", "d3"],
            quotas,
            0, 0, 0, 0, 0, 1, 1, 1);
    }

    [Theory]
    [InlineData("wpai")]
    [InlineData("kueue")]
    public async Task Replay_ReservationsHeldBack_GivesIdenticalJobRows(string preset)
    {
        using var dir = new TempDir();
        var workload = LeftoverOfAPreemption();
        var policy = PolicyPresets.Get(preset);

        var plain = await new GrainReplayEngine().RunAsync(workload, policy, null, CancellationToken.None);
        var slow = new SlowReservations();
        var held = await new GrainReplayEngine(configureSilo: s => s.AddSingleton<IOutgoingGrainCallFilter>(slow)).RunAsync(workload, policy, null, CancellationToken.None);

        Assert.True(slow.Held >= 3, $"only {slow.Held} reservations were held back");
        Assert.Contains(plain.Log.Events, e => e is { Kind: RunEventKind.Stopped, Reason: StopReason.Preempted, JobId: "b" });
        Assert.Equal(JobRows.Of(workload, plain.Log, dir.Path, "plain"), JobRows.Of(workload, held.Log, dir.Path, "held"));
    }
}
