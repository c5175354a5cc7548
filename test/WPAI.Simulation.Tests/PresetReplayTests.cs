using System.Collections.Immutable;
using WPAI.Domain.Scheduling;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;
using Xunit.Abstractions;

namespace WPAI.Simulation.Tests;

/// <summary>One small replay per peer preset on the two-pool workload of <see cref="ReplayTests"/> (j1: d2 borrows d1's GPU of A at 0 for 100 s; j2: d1, A|B, at 10 for 50 s; j3: d1, A, at 20 for 30 s).</summary>
public sealed class PresetReplayTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("kueue")]
    [InlineData("wpai")]
    public async Task Replay_TriesTheNextFlavorBeforePreempting(string preset)
    {
        var starts = await StartsAsync(PolicyPresets.Get(preset));

        // whenCanPreempt: TryNextFlavor (Kueue's default and WPAI's): j2 is within d1's quota of A and could reclaim its GPU
        // from j1, but B fits it without preempting, so it runs on b1 at 10 without destroying j1's work; j3 accepts only A
        // and reclaims the GPU at 20 (j1 is preempted then and restarts at 50).
        Assert.Equal([10], starts["j2"]);
        Assert.Equal([20], starts["j3"]);
        Assert.Equal([0, 50], starts["j1"]);
    }

    [Theory]
    [InlineData("kueue")]
    [InlineData("wpai")]
    public async Task Replay_CouldPreemptInTheFirstPool_PreemptsThereAndNotInTheLaterPool(string preset)
    {
        // Pools A and B, one 1-GPU node each, both borrowed by d2 from 0 (j1 on A, j0 on B). d1 owns both GPUs; j2 (d1, A|B)
        // could preempt in A, so it is offered to B — where it could preempt too, but Kueue takes a later flavor only where
        // the job fits: B does not preempt j0, and A reclaims its GPU from j1 on its next pass (j3's arrival at 20).
        var result = await new GrainReplayEngine().RunAsync(TwoFullPools(), PolicyPresets.Get(preset), null, CancellationToken.None);
        output.WriteLine(string.Join("\n", result.Log.Events.Select(e => $"{e.At.TotalSeconds} {e.Kind} {e.JobId} {e.Node} {e.Reason}")));

        var started = result.Log.Events.Where(e => e.Kind == RunEventKind.Started).ToLookup(e => e.JobId);
        Assert.Equal(["a1"], started["j2"].Select(e => e.Node));
        Assert.Equal([0.0], started["j0"].Select(e => e.At.TotalSeconds));
        Assert.Equal(2, started["j1"].Count());
        Assert.DoesNotContain(result.Log.Events, e => e.JobId == "j0" && e.Reason == StopReason.Preempted);
    }

    [Fact]
    public async Task Replay_KueuePreemptFirst_ReclaimsTheBorrowedGpuInTheFirstFlavorAtOnce()
    {
        var starts = await StartsAsync(PolicyPresets.KueuePreemptFirst);

        // j2 is within d1's nominal quota of A: d2 is above its nominal there, so its newest job j1 is preempted at 10.
        Assert.Equal(10, starts["j2"][0]);
        Assert.Equal([0, 60], starts["j1"]);
    }

    [Fact]
    public async Task Replay_WpaiPreemptFirst_PreemptsInThePreferredPoolAtOnce()
    {
        var starts = await StartsAsync(PolicyPresets.WpaiPreemptFirst);

        // The earlier rule: j2 takes A's GPU back from j1 at 10 although B has room.
        Assert.Equal(10, starts["j2"][0]);
        Assert.Equal(0, starts["j1"][0]);
        Assert.True(starts["j1"].Length > 1, "j1 is preempted and restarts");
    }

    [Fact]
    public void Wpai_AppliedToDefaultOptions_IsProductionsDefault()
    {
        // The replay's wpai is the scheduler as deployed: applying the preset changes no default (passes aside, which the
        // replay loop runs itself).
        var defaults = new SchedulingOptions();
        var applied = new SchedulingOptions();
        GrainReplayEngine.Apply(PolicyPresets.Wpai, applied);

        var differing = typeof(SchedulingOptions).GetProperties()
            .Where(p => p.CanWrite && p.Name != nameof(SchedulingOptions.AutoPass) && !Equals(p.GetValue(defaults), p.GetValue(applied)))
            .Select(p => p.Name);
        Assert.Empty(differing);
    }

    [Fact]
    public void WpaiWeighJobs_Applied_WeighsPerJobWithTheQueueBehind()
    {
        var applied = new SchedulingOptions();
        GrainReplayEngine.Apply(PolicyPresets.WpaiWeighJobs, applied);

        Assert.Equal((true, true, true), (applied.WeighWaitAgainstLostWork, applied.WeighQueueBehind, applied.WeighWaitPerJob));
        Assert.False(new SchedulingOptions().WeighWaitPerJob, "off by default");
    }

    [Fact]
    public async Task Replay_WpaiLeaveRoom_LongBorrowedRunStartsWhereItLeavesTheOwnersRoom()
    {
        var result = await new GrainReplayEngine().RunAsync(LongBorrowedRun(), PolicyPresets.WpaiLeaveRoom, null, CancellationToken.None);
        output.WriteLine(string.Join("\n", result.Log.Events.Select(e => $"{e.At.TotalSeconds} {e.Kind} {e.JobId} {e.Node} {e.Reason}")));

        // Taking all of A would leave d1 no room there, so the 20-h run goes to B (4 GPUs, 2 left free) and is never taken back.
        var started = result.Log.Events.Where(e => e.Kind == RunEventKind.Started).ToLookup(e => e.JobId);
        var run = Assert.Single(started["long"]);
        Assert.Equal("b1", run.Node);
        Assert.True(run.At <= TimeSpan.FromSeconds(10), "offered on to B at once, not after the 8-h wait");
        Assert.Equal([("a1", 10.0)], started["own"].Select(e => (e.Node, e.At.TotalSeconds)));
        Assert.DoesNotContain(result.Log.Events, e => e.Reason == StopReason.Preempted);
    }

    [Fact]
    public async Task Replay_Wpai_LongBorrowedRunTakesTheFirstPoolAndIsTakenBack()
    {
        var result = await new GrainReplayEngine().RunAsync(LongBorrowedRun(), PolicyPresets.Wpai, null, CancellationToken.None);

        // Without the rule: the run takes A (first in its order) and d1's 1-GPU job takes A back from it at 10.
        var started = result.Log.Events.Where(e => e.Kind == RunEventKind.Started).ToLookup(e => e.JobId);
        Assert.Equal(("a1", 0.0), (started["long"].First().Node, started["long"].First().At.TotalSeconds));
        Assert.Contains(result.Log.Events, e => e.JobId == "long" && e.Reason == StopReason.Preempted);
    }

    [Fact]
    public async Task Replay_YarnCapacity_KillsOnlyAfterTheMonitorIntervalAndMaxWait()
    {
        var starts = await StartsAsync(PolicyPresets.YarnCapacity);

        // j2 has waited 10 s when j3 arrives (less than 3 s + 15 s), and the next event is j1's end at 100: no kill.
        Assert.Equal([0], starts["j1"]);
        Assert.Equal(100, starts["j2"][0]);
    }

    [Fact]
    public async Task Replay_StaticQuota_NeverLendsAGpu()
    {
        var starts = await StartsAsync(PolicyPresets.StaticQuota);

        // j1 needs 2 GPUs of A where d2 owns 1: it never starts; d1's jobs run one at a time on its own GPU.
        Assert.False(starts.ContainsKey("j1"));
        Assert.Equal(10, starts["j2"][0]);
        Assert.Equal(60, starts["j3"][0]);
    }

    /// <summary>
    /// Pool A: one 2-GPU node; pool B: two 2-GPU nodes; d1 owns every GPU. d2's 2-GPU job "long" (A|B, 20 h declared) at 0;
    /// d1's 1-GPU job "own" (A only, 30 s) at 10.
    /// </summary>
    private static PreparedWorkload LongBorrowedRun()
    {
        SimJob Job(string id, int submit, int duration, int gpus, string dept, params string[] models) =>
            new(id, TimeSpan.FromSeconds(submit), TimeSpan.FromSeconds(duration), gpus, 1000, 1000, 1024, [.. models], "BE", dept, 0.5, 0.5);
        return new PreparedWorkload(
            "long-borrowed-run",
            [new SimNode("a1", "A", 2, 8000, 65536), new SimNode("b1", "B", 2, 8000, 65536), new SimNode("b2", "B", 2, 8000, 65536)],
            [Job("long", 0, 72_000, 2, "d2", "A", "B"), Job("own", 10, 30, 1, "d1", "A")],
            ["A", "B"],
            ["d1", "d2"],
            ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty
                .Add("A", ImmutableDictionary<string, int>.Empty.Add("d1", 2).Add("d2", 0))
                .Add("B", ImmutableDictionary<string, int>.Empty.Add("d1", 4).Add("d2", 0)),
            0, 0, 0, 0, 0, 1, 1, 1);
    }

    /// <summary>Pools A and B with one 1-GPU node each, both owned by d1 and borrowed by d2's j1 (A) and j0 (B) from 0; j2 (d1, A|B) at 10; j3 (d2, B) at 20.</summary>
    private static PreparedWorkload TwoFullPools()
    {
        SimJob Job(string id, int submit, int duration, string dept, params string[] models) =>
            new(id, TimeSpan.FromSeconds(submit), TimeSpan.FromSeconds(duration), 1, 1000, 1000, 1024, [.. models], "BE", dept, 0.5, 0.5);
        var owned = ImmutableDictionary<string, int>.Empty.Add("d1", 1).Add("d2", 0);
        return new PreparedWorkload(
            "two-full-pools",
            [new SimNode("a1", "A", 1, 8000, 65536), new SimNode("b1", "B", 1, 8000, 65536)],
            [Job("j1", 0, 100, "d2", "A"), Job("j0", 0, 100, "d2", "B"), Job("j2", 10, 50, "d1", "A", "B"), Job("j3", 20, 10, "d2", "B")],
            ["A", "B"],
            ["d1", "d2"],
            ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty.Add("A", owned).Add("B", owned),
            0, 0, 0, 0, 0, 1, 1, 1);
    }

    private async Task<Dictionary<string, double[]>> StartsAsync(PolicyPreset policy)
    {
        var result = await new GrainReplayEngine().RunAsync(ReplayTests.Tiny(), policy, null, CancellationToken.None);
        output.WriteLine(string.Join("\n", result.Log.Events.Select(e => $"{e.At.TotalSeconds} {e.Kind} {e.JobId} {e.Node} {e.Reason}")));
        return result.Log.Events.Where(e => e.Kind == RunEventKind.Started)
            .GroupBy(e => e.JobId)
            .ToDictionary(g => g.Key, g => g.Select(e => e.At.TotalSeconds).ToArray());
    }
}
