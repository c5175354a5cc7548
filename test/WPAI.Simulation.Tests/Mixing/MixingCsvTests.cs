using WPAI.Simulation.Mixing;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Mixing;

/// <summary>
/// The mixing report's per-job and per-tick CSV files: <see cref="PoolUsage"/> on a hand-made fleet (pure), and the files
/// of a replay of the hand-made scenario agreeing with its metrics and its timeline.
/// </summary>
public sealed class MixingCsvTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(12);

    private static SimJob Job(string id, int gpus, TimeSpan expected, params string[] models) =>
        new(id, TimeSpan.Zero, expected, gpus, gpus * 1000, 1000, 1024, [.. models], "BE");

    [Fact]
    public void Sample_SplitsEachPoolIntoFixedLentAndInference_AndCountsTheQueuedJobsThatFit()
    {
        SimNode[] nodes =
        [
            new("t4-a", "T4", 4, 32000, 1024), // online, lent, 1 GPU busy
            new("t4-b", "T4", 4, 32000, 1024), // online, serving
            new("t4-c", "T4", 2, 32000, 1024), // Fixed, full
            new("v100-a", "V100", 8, 32000, 1024), // online, not lent, a run still on it (being taken back)
            new("v100-b", "V100", 8, 32000, 1024), // Fixed, 2 GPUs busy
            new("cpu-a", "cpu", 0, 32000, 1024), // no GPU: left out
        ];
        var online = new HashSet<string>(["t4-a", "t4-b", "v100-a"]);
        var lent = new HashSet<string>(["t4-a"]);
        (string, int)[] running = [("t4-a", 1), ("t4-c", 2), ("v100-a", 3), ("v100-b", 2)];
        var inference = new Dictionary<string, int> { ["T4"] = 3, ["V100"] = 5 };
        SimJob[] queued =
        [
            Job("short-3", 3, TimeSpan.FromHours(1), "T4"), // fits the lent node's 3 free GPUs; no Fixed T4 GPU free
            Job("long-2", 2, TimeSpan.FromHours(13), "T4", "V100"), // long: not on a lent node; fits the V100 Fixed node
            Job("short-4", 4, TimeSpan.FromHours(1)), // any model: too big for the lent T4 node, fits the V100 Fixed node
            Job("big-8", 8, TimeSpan.FromHours(1), "V100"), // fits nothing
        ];

        var samples = PoolUsage.Sample(TimeSpan.FromHours(5), nodes, online, lent, running, inference, queued, Long);

        MixingPoolSample[] expected =
        [
            new MixingPoolSample(TimeSpan.FromHours(5), "T4", FixedGpus: 2, FixedBusyGpus: 2, LentNodes: 1, LentGpus: 4, LentBusyGpus: 1, LentIdleGpus: 3, InferenceGpus: 3, QueuedJobs: 3, QueuedGpus: 9, QueuedFitLent: 1, QueuedFitFixed: 0),
            new MixingPoolSample(TimeSpan.FromHours(5), "V100", FixedGpus: 8, FixedBusyGpus: 2, LentNodes: 0, LentGpus: 0, LentBusyGpus: 3, LentIdleGpus: 0, InferenceGpus: 5, QueuedJobs: 3, QueuedGpus: 14, QueuedFitLent: 0, QueuedFitFixed: 2),
        ];
        Assert.Equal(expected, samples);
    }

    [Fact]
    public async Task Report_WritesJobAndPoolRows_ThatAgreeWithTheMetricsAndTheTimeline()
    {
        using var dir = new TempDir();
        var a = MixingFixtures.Options(dir) with { WarmUp = TimeSpan.FromHours(22), Policies = MixingPolicies.Parse("wpai-mixing") };
        var scenario = MixingScenario.Prepare(a);
        var policy = MixingPolicies.WpaiMixing;
        var result = await new MixingReplayEngine().RunAsync(scenario, policy, null, CancellationToken.None);
        var m = MixingMetricsCalculator.Compute(scenario, policy, result);

        await MixingReportWriter.WriteAsync(a, scenario, [(m, result)], CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(a.Out, "report.json")));
        var jobs = Rows(Path.Combine(a.Out, MixingCsv.JobsFileName(policy.Name)));
        Assert.Equal(scenario.Workload.Jobs.Select(j => j.Id).ToHashSet(), jobs.Select(r => r["job"]).ToHashSet());
        Assert.True(m.Kills > 0, "the fixture should kill on a reclaim");
        Assert.Equal(m.Kills, jobs.Count(r => r["ended"] == "killed"));
        Assert.Equal(m.StartsOnLent, jobs.Count(r => r["on"] == "lent"));
        Assert.Equal(m.Starts, jobs.Count(r => r["run"] != string.Empty));
        Assert.Equal(m.CompletedJobs, jobs.Count(r => r["ended"] == "completed"));
        Assert.Equal(m.CompletedOnLent, jobs.Count(r => r["ended"] == "completed" && r["on"] == "lent"));
        Assert.All(jobs.Where(r => r["ended"] == "completed"), r => Assert.Equal(r["end_s"], r["completed_s"]));

        var pools = Rows(Path.Combine(a.Out, MixingCsv.PoolsFileName(policy.Name)));
        Assert.Equal(result.Timeline.Length * 2, pools.Count); // T4 and P100 at every tick
        var byTick = pools.GroupBy(r => r["at_s"]).ToList();
        Assert.True(pools.Any(r => int.Parse(r["lent_nodes"]) > 0), "nothing lent in the pool rows");
        Assert.True(pools.Any(r => int.Parse(r["queued_jobs"]) > 0), "nothing queued in the pool rows");
        foreach (var (tick, sample) in byTick.Zip(result.Timeline))
        {
            Assert.Equal(sample.TrainingGpus, tick.Sum(r => int.Parse(r["fixed_busy_gpus"]) + int.Parse(r["lent_busy_gpus"])));
            Assert.Equal(sample.InferenceGpus, tick.Sum(r => int.Parse(r["inference_gpus"])));
            Assert.Equal(sample.LentNodes, tick.Sum(r => int.Parse(r["lent_nodes"])));
        }
    }

    [Fact]
    public void WriteJobs_MarksOneStopPerKill_WhenTheKilledJobIsPreemptedElsewhereAtTheSameInstant()
    {
        using var dir = new TempDir();
        var scenario = MixingScenario.Prepare(MixingFixtures.Options(dir));
        var job = scenario.Workload.Jobs[0].Id;
        var at = TimeSpan.FromHours(30);
        var log = new Metrics.EventLog();
        log.Submitted(at - TimeSpan.FromHours(1), job);
        log.Started(at - TimeSpan.FromHours(1), job, "t4-a", "T4", 1, 4000); // t4-a starts online: lent
        log.Stopped(at, job, Metrics.StopReason.Preempted); // the reclaim kill
        log.Started(at, job, "t4-c", "T4", 1, 4000); // placed again at once on a Fixed node ...
        log.Stopped(at, job, Metrics.StopReason.Preempted); // ... and preempted there by the scheduler at the same instant
        var kill = new Abstractions.Contracts.Mixing.MixingDecision(
            Replay.GrainReplayEngine.Origin + at, "t4-a", Abstractions.Contracts.NodeMode.Unnormal, Abstractions.Contracts.NodeMode.OnlineNormal,
            Abstractions.Contracts.NodeMode.OnlineNormal, 0.9, "reclaim", [job], []);
        var result = new MixingRunResult("wpai-mixing", null, log, 0, 0, 0, [new PoolDecision("T4", kill)], 1, System.Collections.Immutable.ImmutableDictionary<string, double>.Empty, [], 0, null);
        var path = Path.Combine(dir.Path, "jobs.csv");

        MixingCsv.WriteJobs(scenario, result, path);

        var runs = Rows(path).Where(r => r["job"] == job).ToList();
        Assert.Equal(["lent", "fixed"], runs.Select(r => r["on"]));
        Assert.Equal(["killed", "preempted"], runs.Select(r => r["ended"]));
    }

    private static List<Dictionary<string, string>> Rows(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal))];
    }
}
