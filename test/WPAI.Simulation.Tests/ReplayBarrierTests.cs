using Microsoft.Extensions.DependencyInjection;
using Orleans;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

/// <summary>
/// The replay's barrier: a pass runs only once its pool has applied every one-way message it is owed, so holding those
/// messages back (as a loaded machine does) changes no decision.
/// </summary>
public sealed class ReplayBarrierTests
{
    [Theory]
    [InlineData("kueue")]
    [InlineData("wpai")]
    public async Task Replay_OneWayMessagesDelayed_GivesIdenticalJobOutcomes(string preset)
    {
        using var dir = new TempDir();
        var nodes = OpenbNodeReader.Read(SharedData.Trace("openb_node_list_gpu_node.csv"));
        var pods = OpenbPodReader.Read(SharedData.Trace("openb_pod_list_gpuspec33.csv")).Where(p => p.Gpus > 0).Take(300).ToList();
        var prepared = WorkloadPreparer.Prepare("gpuspec33 slice", nodes, pods, new WorkloadOptions(Seed: 1, FleetScale: 0.01, OfferedLoad: 1.3));
        var policy = PolicyPresets.Get(preset);

        var plain = await new Replay.GrainReplayEngine().RunAsync(prepared, policy, null, CancellationToken.None);
        var delays = new DelayedPoolMessages(seed: 7);
        var delayed = await new Replay.GrainReplayEngine(configureSilo: s => s.AddSingleton<IOutgoingGrainCallFilter>(delays)).RunAsync(prepared, policy, null, CancellationToken.None);

        Assert.True(delays.Delayed > 100, $"only {delays.Delayed} messages were held back");
        Assert.True(delays.Waits > 0, "no pass found a message on its way: the delays did not exercise the barrier");
        Assert.Contains(plain.Log.Events, e => e.Kind == RunEventKind.Stopped && e.Reason == StopReason.Preempted);
        Assert.Equal(JobRows.Of(prepared, plain.Log, dir.Path, "plain"), JobRows.Of(prepared, delayed.Log, dir.Path, "delayed"));
        Assert.Equal(Placements(plain.Log), Placements(delayed.Log));
    }

    /// <summary>Every start and stop with its virtual time, node and reason, in a canonical order (starts of one pass run concurrently).</summary>
    private static string[] Placements(EventLog log) =>
        [.. log.Events.Select(e => $"{e.At.TotalSeconds:R} {e.Kind} {e.JobId} {e.Node} {e.Gpus} {e.Reason}").Order(StringComparer.Ordinal)];
}
