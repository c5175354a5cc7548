using WPAI.Simulation.Metrics;
using WPAI.Simulation.Reporting;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

/// <summary>The per-job outcome file: first start, wait, starts, preemptions, completion, and every start (node) and preemption read back from a hand-made log.</summary>
public sealed class JobOutcomesTests
{
    // The hand-made fleet of MetricsCalculatorTests with two jobs of its own (one recurring).
    private static readonly PreparedWorkload Workload = MetricsCalculatorTests.Workload with
    {
        Jobs =
        [
            new SimJob("j1", TimeSpan.FromSeconds(0), TimeSpan.FromSeconds(100), 2, 1000, 4000, 10, ["A", "B"], "BE", "d1", 0.5, 0.5, Template: "t1"),
            new SimJob("j2", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(50), 1, 1000, 2000, 10, ["A"], "BE", "d2", 1.0, 1.0),
        ],
    };

    [Fact]
    public void Write_RowPerJob_WithFirstStartWaitPreemptionsAndCompletion()
    {
        var log = new EventLog();
        static TimeSpan S(int s) => TimeSpan.FromSeconds(s);
        log.Submitted(S(0), "j1");
        log.Started(S(5), "j1", "n2", "B", 1, 4000);
        log.Submitted(S(10), "j2");
        log.Stopped(S(40), "j1", StopReason.Preempted);
        log.Started(S(70), "j1", "n1", "A", 2, 4000);
        log.Stopped(S(170), "j1", StopReason.Completed);
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, JobOutcomes.FileName("wpai", 0.9));

        JobOutcomes.Write(Workload, log, path);

        var lines = File.ReadAllLines(path);
        Assert.Equal("job,department,template,submit_s,duration_s,gpus,gpu_utilization,models,first_start_s,wait_s,first_pool,first_gpus,starts,preemptions,completed_s,started_s,nodes,preempted_s", lines[0]);
        Assert.Equal("j1,d1,t1,0,100,2,0.5,A|B,5,5,B,1,2,1,170,5|70,n2|n1,40", lines[1]);
        Assert.Equal("j2,d2,,10,50,1,1,A,,160,,0,0,0,,,,", lines[2]); // never started: waits until the end of the replay (170)
        Assert.EndsWith("jobs-wpai-0.90.csv", path, StringComparison.Ordinal);
    }
}
