using System.Globalization;
using WPAI.Domain.Common;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

public sealed class WorkloadTests
{
    [Fact]
    public void Synthetic_Runtimes_MatchPhillyTrace()
    {
        var philly = File.ReadLines(SharedData.Trace("philly_runtime.csv")).Skip(1)
            .Select(l => double.Parse(l, CultureInfo.InvariantCulture)).Order().ToArray();
        var jobs = SyntheticWorkload.Jobs(50_000, 30, seed: 7);
        var runtimes = jobs.Select(j => j.Duration.TotalSeconds).Order().ToArray();

        var phillyMedian = Percentile.NearestRank(philly, 0.5);
        var phillyP90 = Percentile.NearestRank(philly, 0.9);
        Assert.InRange(Percentile.NearestRank(runtimes, 0.5), phillyMedian * 0.9, phillyMedian * 1.1);
        Assert.InRange(Percentile.NearestRank(runtimes, 0.9), phillyP90 * 0.85, phillyP90 * 1.15);
        var over12h = runtimes.Count(r => r > 12 * 3600) / (double)runtimes.Length;
        var phillyOver12h = philly.Count(r => r > 12 * 3600) / (double)philly.Length;
        Assert.InRange(over12h, phillyOver12h - 0.01, phillyOver12h + 0.01);
    }

    [Fact]
    public void Synthetic_JobSizes_AreMostlySingleGpu()
    {
        var jobs = SyntheticWorkload.Jobs(20_000, 30, seed: 3);

        var single = jobs.Count(j => j.Gpus <= 1) / (double)jobs.Count;

        Assert.InRange(single, 0.50, 0.60);
        Assert.All(jobs, j => Assert.Contains(j.Gpus, new[] { 1, 2, 4, 8 }));
    }

    [Fact]
    public void GpuUtilization_FollowsPhillyShape_AndNeverExceedsRequest()
    {
        var draws = Enumerable.Range(0, 20_000).Select(i => PhillyShape.GpuUtilization(SeededHash.Unit(5, "u", i.ToString(CultureInfo.InvariantCulture)))).Order().ToArray();

        Assert.InRange(Percentile.NearestRank(draws, 0.5), 0.43, 0.50);
        Assert.InRange(draws.Count(d => d < 0.05) / (double)draws.Length, 0.25, 0.30);
        Assert.Equal(0.32, PhillyShape.GpuUtilization(0.99, cap: 0.32));
    }

    [Fact]
    public void Zipf_FirstDepartment_GetsOneOverHarmonicShare()
    {
        var counts = new int[10];
        for (var i = 0; i < 50_000; i++)
        {
            counts[WorkloadPreparer.Zipf(10, SeededHash.Unit(1, "department", "job-" + i.ToString(CultureInfo.InvariantCulture)))]++;
        }

        var harmonic = Enumerable.Range(1, 10).Sum(k => 1.0 / k);
        Assert.InRange(counts[0] / 50_000.0, (1 / harmonic) - 0.01, (1 / harmonic) + 0.01);
        Assert.InRange(counts[9] / 50_000.0, (0.1 / harmonic) - 0.005, (0.1 / harmonic) + 0.005);
    }

    [Fact]
    public void Prepare_OpenbAtTwoPercent_KeepsEveryPoolAndHitsOfferedLoad()
    {
        var nodes = OpenbNodeReader.Read(SharedData.Trace("openb_node_list_gpu_node.csv"));
        var pods = OpenbPodReader.Read(SharedData.Trace("openb_pod_list_gpuspec33.csv"));

        var prepared = WorkloadPreparer.Prepare("gpuspec33", nodes, pods, new WorkloadOptions(Seed: 1, FleetScale: 0.02, OfferedLoad: 0.9));

        Assert.Equal(7, prepared.Pools.Length);
        foreach (var pool in nodes.GroupBy(n => n.Pool))
        {
            var kept = prepared.Nodes.Count(n => n.Pool == pool.Key);
            Assert.Equal(Math.Max(1, (int)Math.Round(pool.Count() * 0.02, MidpointRounding.AwayFromZero)), kept);
        }

        Assert.Equal(41, prepared.ExcludedLongJobs);
        Assert.InRange(prepared.ExcludedLongGpuTimeShare, 0.80, 0.88);
        Assert.Equal(0.9, prepared.OfferedLoad, 3);
        Assert.Equal(0.9, WorkloadPreparer.OfferedLoad(prepared.Jobs, prepared.FleetGpus), 3);
        Assert.All(prepared.Jobs, j => Assert.NotEmpty(j.GpuModels));
        Assert.All(prepared.Jobs, j => Assert.InRange(j.GpuUtilization, 0, j.Gpus == 0 ? 0 : j.GpuMilli / 1000.0));
        foreach (var (pool, quotas) in prepared.Quotas)
        {
            // Every GPU is owned, in equal shares among the departments whose jobs prefer the pool; the others own none of it.
            var preferring = prepared.Jobs.Where(j => j.GpuModels[0] == pool).Select(j => j.Department).ToHashSet();
            Assert.Equal(prepared.Nodes.Where(n => n.Pool == pool).Sum(n => n.Gpus), quotas.Values.Sum());
            var shares = quotas.Where(q => preferring.Contains(q.Key)).Select(q => q.Value).ToList();
            Assert.True(shares.Max() - shares.Min() <= 1, $"pool {pool} quotas are not equal shares");
            Assert.All(quotas.Where(q => !preferring.Contains(q.Key)), q => Assert.Equal(0, q.Value));
        }
    }

    [Fact]
    public void Prepare_SameSeed_IsDeterministic_OtherSeedDiffers()
    {
        var nodes = SyntheticWorkload.Nodes(20);
        var jobs = SyntheticWorkload.Jobs(500, 2, seed: 4);

        var a = WorkloadPreparer.Prepare("syn", nodes, jobs, new WorkloadOptions(Seed: 4, OfferedLoad: 0.8));
        var b = WorkloadPreparer.Prepare("syn", nodes, jobs, new WorkloadOptions(Seed: 4, OfferedLoad: 0.8));
        var c = WorkloadPreparer.Prepare("syn", nodes, jobs, new WorkloadOptions(Seed: 5, OfferedLoad: 0.8));

        static string Key(SimJob j) => FormattableString.Invariant($"{j.Id}|{j.Submit.Ticks}|{j.Duration.Ticks}|{j.Department}|{string.Join('/', j.GpuModels)}|{j.GpuUtilization:R}|{j.CpuUtilization:R}");
        Assert.Equal(a.Jobs.Select(Key), b.Jobs.Select(Key));
        Assert.NotEqual(a.Jobs.Select(j => j.Department), c.Jobs.Select(j => j.Department));
    }

    [Fact]
    public void Prepare_ProportionalQuotas_FollowDemand()
    {
        var nodes = SyntheticWorkload.Nodes(30);
        var jobs = SyntheticWorkload.Jobs(3000, 5, seed: 2);

        var prepared = WorkloadPreparer.Prepare("syn", nodes, jobs, new WorkloadOptions(Seed: 2, QuotaMode: QuotaMode.Proportional));

        var demand = prepared.Departments.ToDictionary(d => d, d => prepared.Jobs.Where(j => j.Department == d).Sum(j => j.GpuSeconds));
        var top = demand.MaxBy(kv => kv.Value).Key;
        var bottom = demand.MinBy(kv => kv.Value).Key;
        foreach (var (pool, quotas) in prepared.Quotas)
        {
            var preferring = prepared.Jobs.Where(j => j.GpuModels[0] == pool).Select(j => j.Department).ToHashSet();
            if (preferring.Contains(top) && preferring.Contains(bottom))
            {
                Assert.True(quotas[top] >= quotas[bottom]);
            }
        }

        Assert.True(prepared.Quotas.Values.Sum(q => q[top]) > prepared.Quotas.Values.Sum(q => q[bottom]));
    }
}
