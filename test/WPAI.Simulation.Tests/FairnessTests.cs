using System.Collections.Immutable;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

public sealed class FairnessTests
{
    [Fact]
    public void Compute_CountsWhatEachDepartmentGotOfItsEntitlement_AndJainsIndex()
    {
        // Pool A: 2 GPUs, d1 and d2 own one each. x (d1, 2 GPUs) runs the whole window; y (d2, 1 GPU) waits all of it.
        SimJob Job(string id, int submit, int gpus, string dept) =>
            new(id, TimeSpan.FromSeconds(submit), TimeSpan.FromSeconds(1000), gpus, 1000, 1000, 1024, ["A"], "BE", dept, 0.5, 0.5);
        var workload = new PreparedWorkload(
            "t",
            [new SimNode("a1", "A", 2, 8000, 65536)],
            [Job("x", 0, 2, "d1"), Job("y", 0, 1, "d2"), Job("z", 3600, 1, "d2")],
            ["A"],
            ["d1", "d2"],
            ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty.Add("A", ImmutableDictionary<string, int>.Empty.Add("d1", 1).Add("d2", 1)),
            0, 0, 0, 0, 0, 1, 1, 1);
        var log = new EventLog();
        log.Submitted(TimeSpan.Zero, "x");
        log.Submitted(TimeSpan.Zero, "y");
        log.Started(TimeSpan.Zero, "x", "a1", "A", 2, 1000);
        log.Submitted(TimeSpan.FromSeconds(3600), "z");

        var f = FairnessCalculator.Compute(workload, log);

        var d1 = f.Departments.Single(d => d.Department == "d1");
        var d2 = f.Departments.Single(d => d.Department == "d2");
        Assert.Equal(1.0, d1.EntitledGpuHours, 9);
        Assert.Equal(1.0, d1.EntitlementMet, 9);
        Assert.Equal(1.0, d1.GpuTimeShare, 9);
        Assert.Equal(0.5, d1.OwnedShare, 9);
        Assert.Equal(1.0, d2.EntitledGpuHours, 9);
        Assert.Equal(0.0, d2.ReceivedGpuHours, 9);
        Assert.Equal(0.5, f.JainIndex, 9);
        Assert.Equal(0.0, f.MinEntitlementMet, 9);
    }

    [Fact]
    public void Compute_ARightSizedRun_NeedsWhatItHolds_NotWhatItAsked()
    {
        // Pool A: 4 GPUs, all d1's. x asks 4 GPUs and runs right-sized on 1 from 0; y (asks 1) arrives at 1 h and waits.
        SimJob Job(string id, int gpus) => new(id, TimeSpan.Zero, TimeSpan.FromHours(3), gpus, 1000, 1000, 1024, ["A"], "BE", "d1", 0.25, 0.5);
        var workload = new PreparedWorkload(
            "t",
            [new SimNode("a1", "A", 4, 8000, 65536)],
            [Job("x", 4), Job("y", 1) with { Submit = TimeSpan.FromHours(1) }, Job("end", 1) with { Submit = TimeSpan.FromHours(2) }],
            ["A"],
            ["d1"],
            ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty.Add("A", ImmutableDictionary<string, int>.Empty.Add("d1", 4)),
            0, 0, 0, 0, 0, 1, 1, 1);
        var log = new EventLog();
        log.Submitted(TimeSpan.Zero, "x");
        log.Started(TimeSpan.Zero, "x", "a1", "A", 1, 1000);
        log.Submitted(TimeSpan.FromHours(1), "y");
        log.Submitted(TimeSpan.FromHours(2), "end");

        var d1 = FairnessCalculator.Compute(workload, log).Departments.Single();

        // Hour 1: x needs the 1 GPU it holds (met). Hour 2: x 1 + y 1 = 2 needed, 1 received.
        Assert.Equal(3.0, d1.EntitledGpuHours, 9);
        Assert.Equal(2.0, d1.ReceivedGpuHours, 9);
    }
}
