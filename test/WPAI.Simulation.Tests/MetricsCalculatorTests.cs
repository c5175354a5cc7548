using System.Collections.Immutable;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

/// <summary>
/// A hand-computed run. Fleet: n1 (pool A, 2 GPUs, 8 cores), n2 (pool B, 1 GPU, 4 cores) = 3 GPUs, 12 cores.
/// j1 (t=0, 2 GPUs, 4 cores, A|B, util 0.5/0.5) runs 0–40 on n1, is preempted, waits, runs again 70–170.
/// j2 (t=10, 1 GPU, 2 cores, A|B, util 1/1) runs 10–60 on n2 (a fallback: B is not its first model).
/// j3 (t=100, 1 GPU, 1 core, A, util 0/0.5) waits for n1 and runs 170–190. Window = [0, 100].
/// </summary>
public sealed class MetricsCalculatorTests
{
    internal static readonly PreparedWorkload Workload = new(
        "hand",
        [new SimNode("n1", "A", 2, 8000, 1024), new SimNode("n2", "B", 1, 4000, 1024)],
        [
            new SimJob("j1", TimeSpan.FromSeconds(0), TimeSpan.FromSeconds(100), 2, 1000, 4000, 10, ["A", "B"], "BE", "d1", 0.5, 0.5),
            new SimJob("j2", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(50), 1, 1000, 2000, 10, ["A", "B"], "BE", "d1", 1.0, 1.0),
            new SimJob("j3", TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(20), 1, 1000, 1000, 10, ["A"], "BE", "d1", 0.0, 0.5),
        ],
        ["A", "B"],
        ["d1"],
        ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty,
        ExcludedLongJobs: 2,
        ExcludedLongGpuTimeShare: 0.25,
        ExcludedCpuOnlyJobs: 0,
        ExcludedUnplaceableJobs: 0,
        AnyModelJobs: 0,
        NaturalOfferedLoad: 1,
        OfferedLoad: 1,
        TimeCompression: 1);

    private static RunMetrics Compute()
    {
        var log = new EventLog();
        static TimeSpan S(int s) => TimeSpan.FromSeconds(s);
        log.Submitted(S(0), "j1");
        log.Started(S(0), "j1", "n1", "A", 2, 4000);
        log.Submitted(S(10), "j2");
        log.Started(S(10), "j2", "n2", "B", 1, 2000);
        log.Stopped(S(40), "j1", StopReason.Preempted);
        log.Stopped(S(60), "j2", StopReason.Completed);
        log.Started(S(70), "j1", "n1", "A", 2, 4000);
        log.Submitted(S(100), "j3");
        log.Stopped(S(170), "j1", StopReason.Completed);
        log.Started(S(170), "j3", "n1", "A", 1, 1000);
        log.Stopped(S(190), "j3", StopReason.Completed);
        return MetricsCalculator.Compute(Workload, log, "hand", wallSeconds: 2, eventCount: 10);
    }

    [Fact]
    public void Compute_Allocation_IsTimeIntegralOverWindow()
    {
        var m = Compute();

        Assert.Equal(190.0 / 300, m.GpuAllocation, 12);
        Assert.Equal(380_000.0 / 1_200_000, m.CpuAllocation, 12);
    }

    [Fact]
    public void Compute_Utilization_IsAllocationTimesJobUtilization()
    {
        var m = Compute();

        Assert.Equal(120.0 / 300, m.GpuUtilization, 12);
        Assert.Equal(240_000.0 / 1_200_000, m.CpuUtilization, 12);
    }

    [Fact]
    public void Compute_WaitAndJct_AreNearestRankPercentiles()
    {
        var m = Compute();

        Assert.Equal(0, m.WaitP50Seconds);
        Assert.Equal(70, m.WaitP95Seconds);
        Assert.Equal(70, m.WaitP99Seconds);
        Assert.Equal(70.0 / 3, m.WaitMeanSeconds, 12);
        Assert.Equal(90, m.JctP50Seconds);
    }

    [Fact]
    public void Compute_Counts_PreemptionsFallbacksAndCompletions()
    {
        var m = Compute();

        Assert.Equal(1, m.Preemptions);
        Assert.Equal(1, m.FallbackPlacements);
        Assert.Equal(1, m.JobsCompleted);
        Assert.Equal(3, m.JobsCompletedTotal);
        Assert.Equal(3, m.JobsSubmitted);
        Assert.Equal(0, m.JobsNeverStarted);
        Assert.Equal(190, m.MakespanSeconds);
        Assert.Equal(2, m.ExcludedJobs);
        Assert.Equal(0.25, m.ExcludedGpuTimeShare);
        Assert.Equal(5, m.EventsPerSecond);
    }

    [Fact]
    public void Compute_Backlog_IsPendingGpuHoursAtWindowEnd()
    {
        var m = Compute();

        Assert.Equal(20.0 / 3600, m.BacklogGpuHours, 12);
    }

    [Fact]
    public void Compute_Fragmentation_CountsFreeGpusTooSmallForSmallestPendingJob()
    {
        var m = Compute();

        // 60–70: j1 (2 GPUs) pending, n2 has 1 free GPU it cannot use.
        Assert.Equal(0.1, m.FragmentedGpus, 12);
        Assert.Equal(10.0 / 300, m.Fragmentation, 12);
    }

    [Fact]
    public void Compute_PerPool_UsesPoolCapacity()
    {
        var m = Compute();

        var a = m.Pools.Single(p => p.Pool == "A");
        var b = m.Pools.Single(p => p.Pool == "B");
        Assert.Equal(0.7, a.GpuAllocation, 12);
        Assert.Equal(0.35, a.GpuUtilization, 12);
        Assert.Equal(0.5, b.GpuAllocation, 12);
        Assert.Equal(0.5, b.GpuUtilization, 12);
    }

    [Fact]
    public void Compute_NeverStartedJob_WaitsUntilEndOfRun()
    {
        var log = new EventLog();
        log.Submitted(TimeSpan.Zero, "j1");
        log.Started(TimeSpan.Zero, "j1", "n1", "A", 2, 4000);
        log.Submitted(TimeSpan.FromSeconds(10), "j2");
        log.Submitted(TimeSpan.FromSeconds(100), "j3");
        log.Stopped(TimeSpan.FromSeconds(100), "j1", StopReason.Completed);

        var m = MetricsCalculator.Compute(Workload, log, "starved", 1, 1);

        Assert.Equal(2, m.JobsNeverStarted);
        Assert.Equal(90, m.WaitP99Seconds);
        Assert.Equal(1, m.JobsCompleted);
        Assert.Equal((50.0 + 20.0) / 3600, m.BacklogGpuHours, 12);
    }

    [Fact]
    public void Log_OutOfOrder_IsRejected()
    {
        var log = new EventLog();
        log.Submitted(TimeSpan.FromSeconds(5), "j1");

        Assert.Throws<InvalidOperationException>(() => log.Submitted(TimeSpan.FromSeconds(4), "j2"));
    }
}
