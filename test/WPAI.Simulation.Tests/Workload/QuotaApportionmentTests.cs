using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Workload;

public sealed class QuotaApportionmentTests
{
    private static readonly double[] TenEqual = [.. Enumerable.Repeat(0.1, 10)];

    [Fact]
    public void Apportion_OwnsEveryGpu_AndGivesNoDepartmentWithDemandZero_WhenThePoolHasAGpuForEach()
    {
        var quota = QuotaApportionment.Apportion(16, TenEqual, [.. Enumerable.Repeat(true, 10)], rotation: 0);

        Assert.Equal(16, quota.Sum());
        Assert.All(quota, q => Assert.InRange(q, 1, 2));
    }

    [Fact]
    public void Apportion_SharesOnlyAmongDepartmentsWithDemand()
    {
        bool[] demand = [true, false, true, false, false, false, false, false, true, false];

        var quota = QuotaApportionment.Apportion(8, TenEqual, demand, rotation: 0);

        Assert.Equal([3, 0, 3, 0, 0, 0, 0, 0, 2, 0], quota);
    }

    [Fact]
    public void Apportion_RotatesTheSpareGpus_WhenThePoolIsSmallerThanTheDepartmentsWithDemand()
    {
        var first = QuotaApportionment.Apportion(8, TenEqual, [.. Enumerable.Repeat(true, 10)], rotation: 0);
        var second = QuotaApportionment.Apportion(8, TenEqual, [.. Enumerable.Repeat(true, 10)], rotation: 5);

        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], first);
        Assert.Equal([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], second);
    }

    [Fact]
    public void Apportion_MovesAGpuFromTheLargestHolder_WhenRoundingWouldZeroASmallShare()
    {
        // Hamilton alone gives 4/0/0 (exact 3.6/0.2/0.2); each department with demand keeps at least one GPU.
        var quota = QuotaApportionment.Apportion(4, [0.9, 0.05, 0.05], [true, true, true], rotation: 0);

        Assert.Equal([2, 1, 1], quota);
    }

    [Fact]
    public void Prepare_KeepsARepeatedModelOnce_AndCountsTheJob()
    {
        SimNode[] nodes = [new("a1", "A", 4, 32000, 65536), new("b1", "B", 4, 32000, 65536)];
        SimJob[] jobs =
        [
            new("j1", TimeSpan.Zero, TimeSpan.FromMinutes(10), 1, 1000, 1000, 1024, ["A", "B", "B"], "BE"),
            new("j2", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), 1, 1000, 1000, 1024, ["B"], "BE"),
        ];

        var prepared = WorkloadPreparer.Prepare("t", nodes, jobs, new WorkloadOptions(Departments: 2));

        Assert.Equal(1, prepared.RepeatedModelJobs);
        Assert.Equal(["A", "B"], prepared.Jobs.Single(j => j.Id == "j1").GpuModels.ToArray());
        Assert.Equal(4, prepared.Quotas["A"].Values.Sum());
    }
}
