using System.Text.Json.Nodes;
using WPAI.Abstractions.Contracts;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Mixing;
using Xunit.Abstractions;

namespace WPAI.Simulation.Tests.Mixing;

/// <summary>
/// The combined replay on a hand-made scenario: four T4 nodes (two start online, two Fixed) and one Fixed P100 node, 60 one-GPU
/// T4 jobs arriving from 22:00 (after a 22 h warm-up) over about nine hours, and one service whose load is 100 from 08:00 to
/// 22:00 and 5 at night.
/// </summary>
public sealed class MixingReplayTests(ITestOutputHelper output)
{
    private static (MixingSimulationOptions Arguments, MixingScenario Scenario) Scenario(TempDir dir, string policies)
    {
        var a = MixingFixtures.Options(dir) with { WarmUp = TimeSpan.FromHours(22), Policies = MixingPolicies.Parse(policies) };
        return (a, MixingScenario.Prepare(a));
    }

    private async Task<(MixingRunMetrics Metrics, MixingRunResult Result)> RunAsync(MixingScenario scenario, MixingPolicy policy)
    {
        var result = await new MixingReplayEngine().RunAsync(scenario, policy, null, CancellationToken.None);
        var metrics = MixingMetricsCalculator.Compute(scenario, policy, result);
        output.WriteLine($"{policy.Name}: lentShare {metrics.LentShare:P1} killRate {metrics.KillRate:P2} kills {metrics.Kills}/{metrics.StartsOnLent} lost {metrics.LostGpuHours:0.00} GPU-h cluster {metrics.ClusterGpuUsage:P1} completed {metrics.CompletedJobs} slo {metrics.SloViolationMinutes} lends {metrics.Lends} reclaims {metrics.Reclaims} note {metrics.Note} unavailable {metrics.Unavailable}");
        foreach (var d in result.Decisions)
        {
            output.WriteLine($"  {d.Decision.At:HH:mm} {d.Pool} {d.Decision.Node} {d.Decision.From}->{d.Decision.To} ({d.Decision.Target}) rate {d.Decision.UsageRate:0.00} killed [{string.Join(',', d.Decision.KilledJobs)}] {d.Decision.Reason}");
        }

        return (metrics, result);
    }

    [Fact]
    public async Task Replay_NoMixing_LendsNothingAndKillsNothing()
    {
        using var dir = new TempDir();
        var (_, scenario) = Scenario(dir, "no-mixing");
        Assert.Equal(TimeSpan.FromHours(22), scenario.Workload.WindowStart);

        var (m, _) = await RunAsync(scenario, MixingPolicies.NoMixing);

        Assert.Null(m.Unavailable);
        Assert.True(m.CompletedJobs > 0);
        Assert.Equal(0, m.LentShare);
        Assert.Equal(0, m.KillRate);
        Assert.Equal(0, m.Kills);
        Assert.Equal(0, m.StartsOnLent);
        Assert.Equal(0, m.Lends);
    }

    [Fact]
    public async Task Replay_WpaiMixing_LendsInTheQuietHoursAndCountsKillsAsItsDecisions()
    {
        using var dir = new TempDir();
        var (_, scenario) = Scenario(dir, "wpai-mixing");

        var (m, result) = await RunAsync(scenario, MixingPolicies.WpaiMixing);

        Assert.Null(m.Unavailable);
        var lends = result.Decisions.Where(d => d.Decision.To == NodeMode.OfflineNormal).ToList();
        Assert.NotEmpty(lends);
        var load = Assert.Single(scenario.Services).Load;
        Assert.All(lends, d => Assert.True(load.Raw(d.Decision.At - Replay.GrainReplayEngine.Origin) < 50, $"lent at {d.Decision.At:HH:mm}, when the load is high"));
        Assert.True(m.CompletedOnLent > 0, "no job completed on a lent node");
        Assert.Equal((double)m.CompletedOnLent / m.CompletedJobs, m.LentShare);

        // Kills: the controllers' decisions, the driver's stops during their ticks, and the rate's numerator agree.
        Assert.True(m.Kills > 0, "the morning reclaim killed nothing: the fixture should leave long jobs on the lent node");
        Assert.Equal(result.Decisions.Sum(d => d.Decision.KilledJobs.Length), m.Kills);
        Assert.Equal(m.Kills, m.KillStopsObserved);
        Assert.Equal((double)m.Kills / m.StartsOnLent, m.KillRate);
        Assert.All(result.Decisions.Where(d => d.Decision.KilledJobs.Length > 0), d => Assert.Equal(NodeMode.OnlineNormal, d.Decision.Target));

        // Killed jobs are re-queued and start again.
        foreach (var job in result.Decisions.SelectMany(d => d.Decision.KilledJobs))
        {
            Assert.True(result.Log.Events.Count(e => e.JobId == job && e.Kind == RunEventKind.Started) >= 2, $"{job} did not start again after its kill");
        }
    }

    [Fact]
    public async Task Replay_LostGpuHours_AreTheKilledRunsTime_AndCheckpointsKeepAllButTheLastInterval()
    {
        using var dir = new TempDir();
        var a = MixingFixtures.Options(dir) with { WarmUp = TimeSpan.FromHours(22), CheckpointableShare = 1, CheckpointInterval = TimeSpan.FromMinutes(10) };
        var scenario = MixingScenario.Prepare(a);

        var (m, result) = await RunAsync(scenario, MixingPolicies.WpaiMixing);

        // Independently of the replay's own bookkeeping: each kill costs its run's time since its start × its GPUs.
        var expected = 0.0;
        foreach (var d in result.Decisions.Where(d => d.Decision.KilledJobs.Length > 0))
        {
            var at = d.Decision.At - Replay.GrainReplayEngine.Origin;
            foreach (var job in d.Decision.KilledJobs)
            {
                var start = result.Log.Events.Last(e => e.JobId == job && e.Kind == RunEventKind.Started && e.At < at); // a killed job may start again at once
                expected += (at - start.At).TotalHours * start.Gpus;
            }
        }

        Assert.True(m.Kills > 0, "the fixture's morning reclaim should kill");
        Assert.Equal(expected, m.LostGpuHours, 6);
        Assert.True(m.LostGpuHours > 0);
        Assert.Equal(m.Kills, m.CheckpointableKills); // every job declared itself checkpointable, but wpai-mixing ignores it
        Assert.InRange(m.ClusterGpuUsage, m.InferenceGpuUsage + 1e-9, 1);

        var (c, _) = await RunAsync(scenario, MixingPolicies.WpaiMixing with { Name = "wpai-mixing-checkpoint", Checkpoint = true });

        Assert.True(c.Kills > 0);
        Assert.InRange(c.LostGpuHours, 0, c.Kills * (10 / 60.0)); // one-GPU jobs: at most one interval lost per kill
        Assert.True(c.LostGpuHours < m.LostGpuHours, $"checkpoints lost {c.LostGpuHours:0.00} GPU-h, restarts {m.LostGpuHours:0.00}");
    }

    [Fact]
    public async Task Replay_WpaiMixingAll_KillsLessThanWpaiMixing()
    {
        using var dir = new TempDir();
        var (_, scenario) = Scenario(dir, "wpai-mixing,wpai-mixing-all");

        var (plain, _) = await RunAsync(scenario, MixingPolicies.WpaiMixing);
        var (all, result) = await RunAsync(scenario, MixingPolicies.WpaiMixingAll);

        Assert.Null(all.Unavailable);
        Assert.Equal(all.Kills, all.KillStopsObserved);
        Assert.True(plain.Kills > 0, "the fixture's morning reclaim should kill under wpai-mixing");
        Assert.True(all.Kills < plain.Kills, $"wpai-mixing-all killed {all.Kills} runs, wpai-mixing {plain.Kills}");
        Assert.True(all.LostGpuHours < plain.LostGpuHours);
        Assert.True(all.CompletedOnLent > 0, "nothing completed on a lent machine");
        Assert.All(result.Decisions.Where(d => d.Decision.To == NodeMode.OfflineNormal), d => Assert.Equal(NodeMode.OfflineNormal, d.Decision.Target));
    }

    [Fact]
    public async Task Replay_SameScenarioTwice_GivesTheSameReport()
    {
        using var dir = new TempDir();
        var (a, scenario) = Scenario(dir, "wpai-mixing,no-mixing");

        async Task<string> ReportAsync()
        {
            var runs = new List<MixingRunMetrics>();
            foreach (var policy in a.Policies)
            {
                runs.Add((await RunAsync(scenario, policy)).Metrics);
            }

            var json = MixingReportWriter.ToJson(a, scenario, runs);
            foreach (var run in json["runs"]!.AsArray())
            {
                run!.AsObject().Remove("wallSeconds");
                run.AsObject().Remove("unavailable"); // carries an exception message when the controller is absent
            }

            return json.ToJsonString();
        }

        var first = await ReportAsync();
        var second = await ReportAsync();

        Assert.Equal(first, second);
        Assert.NotNull(JsonNode.Parse(first)!["runs"]![0]!["lentShare"]);
    }
}
