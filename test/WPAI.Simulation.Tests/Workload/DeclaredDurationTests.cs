using WPAI.Abstractions.Errors;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Workload;

/// <summary>What a replayed job declares as its run time (what backfilling trusts): its duration × a seeded factor on [1, F].</summary>
public sealed class DeclaredDurationTests
{
    private static readonly SimNode[] Nodes = [new("a1", "A", 4, 32000, 65536)];

    private static SimJob[] Jobs(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new SimJob($"j{i:000}", TimeSpan.FromMinutes(i), TimeSpan.FromHours(1), 1, 1000, 1000, 1024, ["A"], "BE"))];

    [Fact]
    public void Prepare_Overestimate_DeclaresBetweenTheDurationAndFTimesIt_SeededAndSpread()
    {
        var options = new WorkloadOptions(Seed: 3, Departments: 2) { DeclaredOverestimate = 3 };
        var first = WorkloadPreparer.Prepare("t", Nodes, Jobs(200), options).Jobs;
        var again = WorkloadPreparer.Prepare("t", Nodes, Jobs(200), options).Jobs;

        var factors = first.Select(j => j.Declared / j.Duration).ToList();
        Assert.All(factors, f => Assert.InRange(f, 1.0, 3.0));
        Assert.InRange(factors.Average(), 1.8, 2.2); // uniform on [1, 3]: mean 2
        Assert.Contains(factors, f => f < 1.2);
        Assert.Contains(factors, f => f > 2.8);
        Assert.Equal(first.Select(j => j.Declared), again.Select(j => j.Declared));
        Assert.All(first, j => Assert.Equal(TimeSpan.FromHours(1), j.Duration)); // the replay still runs the true duration
    }

    [Fact]
    public void Prepare_NoOverestimate_DeclaresTheTrueDuration()
    {
        var prepared = WorkloadPreparer.Prepare("t", Nodes, Jobs(5), new WorkloadOptions(Departments: 2));
        Assert.All(prepared.Jobs, j => Assert.Equal(j.Duration, j.Declared));
        Assert.Equal(1, prepared.DeclaredOverestimate);
    }

    [Fact]
    public void Prepare_FactorBelowOne_IsRefusedNamingTheOption()
    {
        var error = Assert.Throws<WpaiValidationException>(() => WorkloadPreparer.Prepare("t", Nodes, Jobs(2), new WorkloadOptions { DeclaredOverestimate = 0.5 }));
        Assert.Equal("--declared-overestimate", error.Field);
    }
}
