using WPAI.Abstractions.Contracts;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Mixing;
using WPAI.Simulation.Replay;
using Xunit.Abstractions;

namespace WPAI.Simulation.Tests.Mixing;

/// <summary>
/// The combined replay with a CPU pool, through the real grains: the hand-made GPU fleet plus four 32-core CPU-only nodes
/// (two start online), 60 one-GPU T4 jobs and 60 eight-core CPU jobs, and one service per pool whose load is 100 from 08:00
/// to 22:00 and 5 at night. The cpu pool's controller lends CPU nodes at night, CPU jobs run on them, and the morning
/// reclaim's kills and lost work are counted in cores, apart from the GPU numbers.
/// </summary>
public sealed class CpuPoolMixingReplayTests(ITestOutputHelper output)
{
    private static MixingScenario Scenario(TempDir dir) =>
        MixingScenario.Prepare(MixingFixtures.Options(dir) with
        {
            Nodes = MixingFixtures.NodesWithCpu(dir),
            Pods = MixingFixtures.PodsWithCpu(dir),
            WarmUp = TimeSpan.FromHours(22),
        });

    private async Task<(MixingRunMetrics Metrics, MixingRunResult Result)> RunAsync(MixingScenario scenario, MixingPolicy policy)
    {
        var result = await new MixingReplayEngine().RunAsync(scenario, policy, null, CancellationToken.None);
        var m = MixingMetricsCalculator.Compute(scenario, policy, result);
        output.WriteLine($"{policy.Name}: GPU lentShare {m.LentShare:P1} kills {m.Kills}/{m.StartsOnLent} completed {m.CompletedJobs}; CPU lentShare {m.Cpu?.LentShare:P1} kills {m.Cpu?.Kills}/{m.Cpu?.StartsOnLent} completed {m.Cpu?.CompletedJobs} lost {m.Cpu?.LostCoreHours:0.00} core-h cluster CPU {m.Cpu?.ClusterCpuUsage:P1}");
        foreach (var d in result.Decisions)
        {
            output.WriteLine($"  {d.Decision.At:HH:mm} {d.Pool} {d.Decision.Node} {d.Decision.From}->{d.Decision.To} killed [{string.Join(',', d.Decision.KilledJobs)}] {d.Decision.Reason}");
        }

        return (m, result);
    }

    [Fact]
    public void Prepare_CpuPool_IsSplitInCoresAndServedByFourCoreReplicas()
    {
        using var dir = new TempDir();

        var scenario = Scenario(dir);

        var cpu = Assert.Single(scenario.Pools, p => p.IsCpu);
        Assert.Equal("cpu", cpu.Pool);
        Assert.Equal(["cpu-a", "cpu-b"], cpu.OnlineNodes.AsEnumerable());
        Assert.Equal(64, cpu.OnlineCores);
        Assert.Equal(64, cpu.FixedCores);
        Assert.Equal(0, cpu.OnlineGpus);
        Assert.Equal(60, scenario.Workload.Jobs.Count(j => j.Gpus == 0 && j.GpuModels.SequenceEqual(["cpu"])));
        Assert.Equal(0, scenario.Workload.ExcludedCpuOnlyJobs);
        var service = Assert.Single(scenario.Services, s => s.IsCpu);
        Assert.Equal("cpu", service.Pool);
        Assert.Equal(new Resources(0, 4000, 131072 / 32 * 4), service.Spec.ReplicaResources);
        Assert.Equal(16, service.Spec.MaxReplicas);

        // Scaled like the GPU pools: the median day's peak asks for 90 % of the online cores at 70 % of 50 QPS per replica.
        Assert.Equal(0.9 * 16 * 35, service.MedianDailyPeakQps, 6);

        // CPU training asks for 0.5 of the cpu pool's cores (--offered-load), its arrivals compressed on their own.
        Assert.Equal(0.5, scenario.Workload.CpuOfferedLoad, 6);
        Assert.Equal(0.5, scenario.Workload.OfferedLoad, 6);
    }

    [Fact]
    public async Task Replay_WpaiMixing_LendsCpuNodesRunsCpuJobsThereAndCountsKillsInCores()
    {
        using var dir = new TempDir();
        var scenario = Scenario(dir);
        var cpuJobs = scenario.Workload.Jobs.Where(j => j.Gpus == 0).ToDictionary(j => j.Id, StringComparer.Ordinal);

        var (m, result) = await RunAsync(scenario, MixingPolicies.WpaiMixing);

        Assert.Null(m.Unavailable);
        var cpu = Assert.IsType<MixingCpuMetrics>(m.Cpu);

        // The cpu pool's controller lends CPU nodes, and CPU jobs start and complete on them.
        var cpuDecisions = result.Decisions.Where(d => d.Pool == "cpu").ToList();
        Assert.Contains(cpuDecisions, d => d.Decision.To == NodeMode.OfflineNormal && d.Decision.Node is "cpu-a" or "cpu-b");
        Assert.True(cpu.Lends > 0);
        var startsOnLent = result.Log.Events.Count(e => e.Kind == RunEventKind.Started && cpuJobs.ContainsKey(e.JobId) && e.Node is "cpu-a" or "cpu-b");
        Assert.True(startsOnLent > 0, "no CPU job started on a lent CPU node");
        Assert.Equal(startsOnLent, cpu.StartsOnLent);
        Assert.True(cpu.CompletedOnLent > 0);
        Assert.Equal((double)cpu.CompletedOnLent / cpu.CompletedJobs, cpu.LentShare);

        // Kills: the cpu pool's decisions; the lost work in cores, computed here from the log on its own.
        Assert.True(cpu.Kills > 0, "the morning reclaim of the CPU nodes killed nothing: the fixture's 4-hour CPU jobs should be on them");
        Assert.Equal(cpuDecisions.Sum(d => d.Decision.KilledJobs.Length), cpu.Kills);
        Assert.Equal((double)cpu.Kills / cpu.StartsOnLent, cpu.KillRate);
        var expectedCoreHours = 0.0;
        foreach (var d in cpuDecisions.Where(d => d.Decision.KilledJobs.Length > 0))
        {
            var at = d.Decision.At - GrainReplayEngine.Origin;
            foreach (var job in d.Decision.KilledJobs)
            {
                Assert.True(cpuJobs.ContainsKey(job), $"{job}, killed in the cpu pool, is not a CPU job");
                var start = result.Log.Events.Last(e => e.JobId == job && e.Kind == RunEventKind.Started && e.At < at);
                expectedCoreHours += (at - start.At).TotalHours * cpuJobs[job].CpuMilli / 1000.0;
            }
        }

        Assert.Equal(expectedCoreHours, cpu.LostCoreHours, 6);
        Assert.True(cpu.LostCoreHours > 0);

        // The GPU numbers count GPU jobs and GPU pools only.
        var gpuKills = result.Decisions.Where(d => d.Pool != "cpu").Sum(d => d.Decision.KilledJobs.Length);
        Assert.Equal(gpuKills, m.Kills);
        Assert.Equal(
            result.Log.Events.Count(e => e.Kind == RunEventKind.Stopped && e.Reason == StopReason.Completed && !cpuJobs.ContainsKey(e.JobId)),
            m.CompletedJobs);
        Assert.InRange(cpu.ClusterCpuUsage, cpu.InferenceCpuUsage + 1e-9, 1);
        Assert.Equal(result.SloViolationMinutes.Where(kv => kv.Key.EndsWith("-cpu", StringComparison.Ordinal)).Sum(kv => kv.Value), cpu.SloViolationMinutes);
        Assert.Equal(result.SloViolationMinutes.Where(kv => !kv.Key.EndsWith("-cpu", StringComparison.Ordinal)).Sum(kv => kv.Value), m.SloViolationMinutes);
    }

    [Fact]
    public async Task Replay_NoMixing_LendsNoCpuNodeAndStillRunsCpuJobsOnTheFixedOnes()
    {
        using var dir = new TempDir();
        var scenario = Scenario(dir);

        var (m, result) = await RunAsync(scenario, MixingPolicies.NoMixing);

        var cpu = Assert.IsType<MixingCpuMetrics>(m.Cpu);
        Assert.Equal(0, cpu.Lends);
        Assert.Equal(0, cpu.StartsOnLent);
        Assert.Equal(0, cpu.LostCoreHours);
        Assert.True(cpu.CompletedJobs > 0);
        Assert.DoesNotContain(result.Log.Events, e => e.Kind == RunEventKind.Started && e.Node is "cpu-a" or "cpu-b");
        Assert.True(cpu.InferenceCpuUsage > 0, "the cpu pool's services placed no replica");

        var json = MixingReportWriter.ToJson(MixingFixtures.Options(dir), scenario, [m]);
        Assert.Equal(cpu.ClusterCpuUsage, (double)json["runs"]![0]!["clusterCpuUsage"]!, 4);
        Assert.NotNull(json["runs"]![0]!["lentShare"]);
    }
}
