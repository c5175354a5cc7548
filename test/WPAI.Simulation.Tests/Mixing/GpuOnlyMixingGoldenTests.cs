using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WPAI.Simulation.Mixing;
using Xunit.Abstractions;

namespace WPAI.Simulation.Tests.Mixing;

/// <summary>
/// The GPU-only combined replay must not move when CPU pools are added to the simulation: the hand-made GPU scenario
/// (<see cref="MixingFixtures"/>, no CPU node) replayed under <c>no-mixing</c> and <c>wpai-mixing-all</c> gives exactly the
/// numbers and the decision sequence recorded before CPU pools existed (recorded on main at 758b202). A change to the
/// preparer, the scenario, the replay loop or the GPU metrics that leaks into a GPU-only run fails here. A deliberate
/// change of the training scheduler or the controller also moves them: re-record them then, and say why in the commit.
/// </summary>
public sealed class GpuOnlyMixingGoldenTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("no-mixing", "completed 56 onLent 0 kills 0 startsOnLent 0 starts 61 lends 0 reclaims 0 lostGpuH 0.0000 queueMean 619.9 queueP95 0.0 jctP50 3000.0 clusterGpu 0.497041 offlineGpu 0.125439 slo 0 meanLent 0.0000 decisions 0 E3B0C44298FC1C14")]
    // Re-recorded when wpai's victims became those that lose the least work (VictimRule.LeastLostWork): wpai-mixing's
    // preemptions choose other borrowed jobs (starts 70 → 67, queue p95 1366.8 → 376.3 s); the controller's decisions are unchanged.
    [InlineData("wpai-mixing", "completed 56 onLent 20 kills 2 startsOnLent 22 starts 67 lends 2 reclaims 2 lostGpuH 0.8316 queueMean 632.3 queueP95 376.3 jctP50 3000.0 clusterGpu 0.506509 offlineGpu 0.128002 slo 2 meanLent 0.4139 decisions 8 37AE29FBF806D95D")]
    [InlineData("wpai-mixing-all", "completed 56 onLent 19 kills 0 startsOnLent 19 starts 61 lends 2 reclaims 2 lostGpuH 0.0000 queueMean 619.9 queueP95 0.0 jctP50 3000.0 clusterGpu 0.497041 offlineGpu 0.125439 slo 0 meanLent 0.3901 decisions 8 D8A8835F669A920A")]
    public async Task GpuOnlyReplay_GivesTheNumbersRecordedBeforeCpuPools(string policyName, string expected)
    {
        using var dir = new TempDir();
        var a = MixingFixtures.Options(dir) with { WarmUp = TimeSpan.FromHours(22) };
        var scenario = MixingScenario.Prepare(a);
        var policy = MixingPolicies.Parse(policyName).Single();

        var result = await new MixingReplayEngine().RunAsync(scenario, policy, null, CancellationToken.None);
        var m = MixingMetricsCalculator.Compute(scenario, policy, result);

        var digest = Digest(m, result);
        output.WriteLine(digest);
        Assert.Equal(expected, digest);

        // No CPU-only node, no CPU pool: no CPU figures, in the metrics or the report.
        Assert.False(scenario.HasCpuPool);
        Assert.Null(m.Cpu);
        var run = MixingReportWriter.ToJson(a, scenario, [m])["runs"]![0]!;
        Assert.Null(run["lentShareCpu"]);
        Assert.Null(run["clusterCpuUsage"]);
    }

    /// <summary>The GPU numbers of a run and a hash of its decisions (time, pool, node, modes, killed jobs), in one line.</summary>
    private static string Digest(MixingRunMetrics m, MixingRunResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var decisions = new StringBuilder();
        foreach (var d in result.Decisions)
        {
            decisions.Append(c, $"{d.Decision.At:O}|{d.Pool}|{d.Decision.Node}|{d.Decision.From}|{d.Decision.To}|{d.Decision.Target}|{string.Join(',', d.Decision.KilledJobs.IsDefault ? [] : d.Decision.KilledJobs)}\n");
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(decisions.ToString())))[..16];
        return string.Create(c,
            $"completed {m.CompletedJobs} onLent {m.CompletedOnLent} kills {m.Kills} startsOnLent {m.StartsOnLent} starts {m.Starts} lends {m.Lends} reclaims {m.Reclaims} lostGpuH {m.LostGpuHours:0.0000} queueMean {m.QueueDelayMeanSeconds:0.0} queueP95 {m.QueueDelayP95Seconds:0.0} jctP50 {m.JctP50Seconds:0.0} clusterGpu {m.ClusterGpuUsage:0.000000} offlineGpu {m.OfflineGpuUtilization:0.000000} slo {m.SloViolationMinutes:0} meanLent {m.MeanLentNodes:0.0000} decisions {result.Decisions.Length} {hash}");
    }
}
