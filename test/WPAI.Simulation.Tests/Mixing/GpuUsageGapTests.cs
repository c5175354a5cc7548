using System.Collections.Immutable;
using WPAI.Simulation.Mixing;
using WPAI.Simulation.Workload;
using static WPAI.Simulation.Mixing.GpuUsageGap;

namespace WPAI.Simulation.Tests.Mixing;

public sealed class GpuUsageGapTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMinutes(30);

    private static MixingPoolSample S(
        double hour, string pool = "G2", int fixedGpus = 8, int fixedBusy = 0, int lentGpus = 0, int lentBusy = 0, int lentIdle = 0, int inference = 0,
        int queued = 0, int fitLent = 0, int fitFixed = 0) =>
        new(TimeSpan.FromHours(hour), pool, fixedGpus, fixedBusy, lentGpus / 8, lentGpus, lentBusy, lentIdle, inference, queued, queued, fitLent, fitFixed);

    private static SimJob Job(double submitHour, double hours, int gpus) =>
        new("j" + submitHour, TimeSpan.FromHours(submitHour), TimeSpan.FromHours(hours), gpus, 1000, 1000, 1024, ["G2"], "batch");

    private static Dictionary<GpuUse, int> Classified(MixingPoolSample s, int online, int ahead) =>
        Classify(s, online, ahead).GroupBy(x => x.State).ToDictionary(g => g.Key, g => g.Sum(x => x.Gpus));

    [Fact]
    public void Classify_NamesWhyEachIdleGpuIsIdle_AndAddsUpToThePool()
    {
        // 8 Fixed GPUs, 6 busy, a queued job fits the 2 free; 16 online: 8 lent (5 busy, 3 idle, a short job fits none of them),
        // 4 held by replicas, 4 idle of which the replicas take 1 more within the horizon (5 ahead).
        var s = S(0, fixedBusy: 6, lentGpus: 8, lentBusy: 5, lentIdle: 3, inference: 4, queued: 3, fitLent: 0, fitFixed: 1);

        var c = Classified(s, online: 16, ahead: 5);

        Assert.Equal(4, c[GpuUse.Inference]);
        Assert.Equal(6, c[GpuUse.TrainingFixed]);
        Assert.Equal(5, c[GpuUse.TrainingOnLent]);
        Assert.Equal(2, c[GpuUse.FixedIdleJobFits]);
        Assert.Equal(3, c[GpuUse.LentIdleNoneFits]);
        Assert.Equal(1, c[GpuUse.OnlineIdleNeededWithinHorizonQueued]);
        Assert.Equal(3, c[GpuUse.OnlineIdleFreeOverHorizonQueued]);
        Assert.Equal(24, c.Values.Sum());
    }

    [Fact]
    public void Classify_TrainingOnANodeBeingTakenBack_IsNotIdleOnlineRoom()
    {
        // Nothing lent; 2 GPUs of training still run on a node draining back; 4 replicas; nothing queued.
        var s = S(0, fixedBusy: 8, lentBusy: 2, inference: 4);

        var c = Classified(s, online: 16, ahead: 4);

        Assert.Equal(2, c[GpuUse.TrainingOnLent]);
        Assert.Equal(10, c[GpuUse.OnlineIdleNothingQueued]);
        Assert.Equal(0, c[GpuUse.FixedIdleNothingQueued]);
        Assert.Equal(24, c.Values.Sum());
    }

    [Fact]
    public void Compute_SumsGpuHoursByPoolAndHour_ReadsTheReplicasAhead_AndComputesTheCeiling()
    {
        // Two ticks in the window (hours 1 and 1.5), 30 minutes each; the replicas rise from 4 to 12 at hour 2 (outside the window).
        MixingPoolSample[] samples =
        [
            S(0.5, inference: 2, queued: 1),
            S(1, inference: 4, queued: 1),
            S(1.5, inference: 4, queued: 1),
            S(2, inference: 12, queued: 1),
            S(6, inference: 4, queued: 1),
        ];
        SimJob[] jobs = [Job(0, 1.25, 2), Job(1, 10, 4)]; // at hour 1 both run (the first ends at 1.25), at 1.5 the second

        var gap = Compute(samples, new Dictionary<string, int> { ["G2"] = 16 }, jobs, TimeSpan.FromHours(1), TimeSpan.FromHours(1.5), Tick, 24, 0.5);

        Assert.Equal(1.0, gap.WindowHours, 9);
        var g2 = Assert.Single(gap.Pools);
        Assert.Equal(24, g2.Gpus);
        Assert.Equal(24.0, g2.GpuHours.Sum(), 9);
        Assert.Equal(4.0, g2[GpuUse.Inference], 9);                  // 4 GPUs × 2 ticks × 0.5 h
        Assert.Equal(8.0, g2[GpuUse.FixedIdleNoneFits], 9);          // 8 × 2 × 0.5
        Assert.Equal(8.0, g2[GpuUse.OnlineIdleNeededWithinHorizonQueued], 9); // 12 − 4 = 8 of the 12 idle needed by hour 2, at both ticks
        Assert.Equal(4.0, g2[GpuUse.OnlineIdleFreeOverHorizonQueued], 9);
        Assert.Equal(((4 + 6) + (4 + 4)) / 2.0, gap.CeilingGpus, 9);  // replicas + jobs running at their submit, per tick
        Assert.Equal(4.0, gap.UsedGpus, 9);
        Assert.Equal((9.0 * 1.0) - 4.0, gap.GapGpuHours, 9);
        Assert.Equal(4.0, gap.Hours[1].GpuHours[(int)GpuUse.Inference], 9); // both ticks fall in hour 1
        Assert.Equal(24, gap.Hours.Length);
    }

    [Fact]
    public void Compute_Ceiling_CountsAJobFromItsSubmitUpToButNotAtItsEnd_AndNoJobWithoutGpus()
    {
        MixingPoolSample[] samples = [S(1, inference: 4, queued: 1), S(1.5, inference: 4, queued: 1), S(2, inference: 4, queued: 1)];
        SimJob[] jobs =
        [
            Job(0.5, 1.0, 3),  // ends at 1.5: runs at 1, not at 1.5
            Job(1.5, 0.5, 5),  // submitted at 1.5, ends at 2: runs at 1.5 only
            Job(1.75, 0, 7),   // no run time: never counted
            Job(0, 10, 0),     // no GPUs: never counted
            Job(3, 1, 9),      // after the window
        ];

        var gap = Compute(samples, new Dictionary<string, int> { ["G2"] = 16 }, jobs, TimeSpan.FromHours(1), TimeSpan.FromHours(2), Tick, 24, 0);

        Assert.Equal(((4 + 3) + (4 + 5) + (4 + 0)) / 3.0, gap.CeilingGpus, 9);
    }

    [Fact]
    public void Compute_WithoutTicksInTheWindow_IsEmpty()
    {
        var gap = Compute([S(0)], ImmutableDictionary<string, int>.Empty, [], TimeSpan.FromHours(1), TimeSpan.FromHours(2), Tick, 8, 0);

        Assert.Equal(0, gap.WindowHours);
        Assert.Equal(0, gap.CeilingGpus);
        Assert.Empty(gap.Pools);
    }
}
