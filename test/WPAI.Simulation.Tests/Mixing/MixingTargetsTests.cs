using System.Collections.Immutable;
using WPAI.Simulation.Mixing;

namespace WPAI.Simulation.Tests.Mixing;

/// <summary>The targets, each against the measured number, on hand-made runs.</summary>
public sealed class MixingTargetsTests
{
    private static MixingRunMetrics Run(string policy, double lentShare, double killRate, double slo, double delayHours, double clusterUsage, double jctHours = 1) =>
        new(policy, "", null, lentShare, 100, (int)(lentShare * 100), killRate, 0, 0, 100, 100, 0, slo, ImmutableDictionary<string, double>.Empty,
            0.1, 0.2, 0, 0, jctHours * 3600, 0, 0, 0, 0, 0, 0, 1, 1, 1)
        {
            QueueDelayMeanSeconds = delayHours * 3600,
            QueueDelayP95Seconds = 2 * delayHours * 3600,
            ClusterGpuUsage = clusterUsage,
        };

    [Fact]
    public void Verdicts_EachTargetAgainstNoMixing()
    {
        var noMixing = Run("no-mixing", 0, 0, 100, 6, 0.40, jctHours: 8);
        var good = Run("good", 0.70, 0.009, 100, 3.9, 0.50, jctHours: 4);
        var bad = Run("bad", 0.70, 0.011, 101, 4.1, 0.49);

        var verdicts = MixingTargets.Verdicts([good, noMixing, bad]);

        bool? Met(string policy, string target) => verdicts.Single(v => v.Policy == policy && v.Target.StartsWith(target, StringComparison.Ordinal)).Met;
        Assert.True(Met("good", "lentShare"));
        Assert.True(Met("good", "SLO"));
        Assert.True(Met("good", "training queueing delay"));
        Assert.True(Met("good", "cluster GPU usage"));
        Assert.False(Met("bad", "lentShare"));
        Assert.False(Met("bad", "SLO"));
        Assert.False(Met("bad", "training queueing delay")); // 6 / 4.1 = 1.46×
        Assert.False(Met("bad", "cluster GPU usage")); // +22.5 %
        Assert.DoesNotContain(verdicts, v => v.Policy == "no-mixing");
        Assert.Equal(2.0, MixingTargets.JctReduction(good, noMixing));
        Assert.Contains("1.54×", verdicts.Single(v => v.Policy == "good" && v.Target.StartsWith("training", StringComparison.Ordinal)).Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void Verdicts_WithoutNoMixing_AreNotMeasured()
    {
        var verdicts = MixingTargets.Verdicts([Run("good", 0.7, 0.005, 0, 1, 0.5)]);
        Assert.Null(verdicts.Single(v => v.Target.StartsWith("against", StringComparison.Ordinal)).Met);
    }
}
