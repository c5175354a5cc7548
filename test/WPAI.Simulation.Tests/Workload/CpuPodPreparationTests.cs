using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Workload;

/// <summary>
/// The CPU-only pods of the openb trace: left out of the training replay as always, kept as jobs of the <c>cpu</c> pool only when
/// the mixing scenario asks (<see cref="WorkloadOptions.KeepCpuOnlyJobs"/>) and the fleet has CPU-only nodes; the GPU jobs are the
/// same either way.
/// </summary>
public sealed class CpuPodPreparationTests
{
    private static readonly WorkloadOptions TwoPercent = new(Seed: 1, FleetScale: 0.02, OfferedLoad: 0.7);

    [Fact]
    public void Read_CpuOnlyNodes_AreSkippedUnlessAskedThenFormTheCpuPool()
    {
        var path = SharedData.Trace("openb_node_list_all_node.csv");

        var gpuOnly = OpenbNodeReader.Read(path);
        var all = OpenbNodeReader.Read(path, includeCpuNodes: true);

        Assert.All(gpuOnly, n => Assert.True(n.Gpus > 0));
        var cpu = all.Where(n => n.Pool == "cpu").ToList();
        Assert.Equal(310, cpu.Count);
        Assert.All(cpu, n => Assert.Equal(0, n.Gpus));
        Assert.Equal(gpuOnly, all.Where(n => n.Gpus > 0));
    }

    [Fact]
    public void Prepare_CpuOnlyPods_AreLeftOutAndCounted_WhenNotAsked_EvenWithCpuNodes()
    {
        var nodes = OpenbNodeReader.Read(SharedData.Trace("openb_node_list_all_node.csv"), includeCpuNodes: true);
        var pods = OpenbPodReader.Read(SharedData.Trace("openb_pod_list_gpuspec33.csv"));

        var prepared = WorkloadPreparer.Prepare("gpuspec33", nodes, pods, TwoPercent);

        Assert.DoesNotContain(prepared.Jobs, j => j.Gpus == 0);
        Assert.Equal(pods.Count(p => p.Gpus == 0 && p.Duration <= WorkloadOptions.DefaultMaxDuration), prepared.ExcludedCpuOnlyJobs);
        Assert.Equal(0, prepared.CpuOfferedLoad);
    }

    [Fact]
    public void Prepare_KeepCpuOnlyJobs_MakesThemCpuPoolJobs_AndLeavesTheGpuJobsAsTheyWere()
    {
        var nodes = OpenbNodeReader.Read(SharedData.Trace("openb_node_list_all_node.csv"), includeCpuNodes: true);
        var pods = OpenbPodReader.Read(SharedData.Trace("openb_pod_list_gpuspec33.csv"));
        var without = WorkloadPreparer.Prepare("gpuspec33", nodes, pods, TwoPercent);

        var with = WorkloadPreparer.Prepare("gpuspec33", nodes, pods, TwoPercent with { KeepCpuOnlyJobs = true, CpuOfferedLoad = 0.6 });

        var cpuJobs = with.Jobs.Where(j => j.Gpus == 0).ToList();
        Assert.Equal(pods.Count(p => p.Gpus == 0 && p.Duration <= WorkloadOptions.DefaultMaxDuration), cpuJobs.Count + with.ExcludedUnplaceableJobs - without.ExcludedUnplaceableJobs);
        Assert.True(cpuJobs.Count > 1000, $"{cpuJobs.Count} CPU jobs kept");
        Assert.Equal(0, with.ExcludedCpuOnlyJobs);
        Assert.All(cpuJobs, j =>
        {
            Assert.Equal(["cpu"], j.GpuModels.AsEnumerable());
            Assert.Equal(0, j.GpuUtilization);
            Assert.InRange(j.CpuUtilization, 0.25, 0.75);
            Assert.StartsWith("dept-", j.Department);
        });

        // The GPU jobs, their arrival times, the GPU offered load and the quotas do not move.
        Assert.Equal(without.Jobs.Select(Key), with.Jobs.Where(j => j.Gpus > 0).Select(Key));
        Assert.Equal(without.OfferedLoad, with.OfferedLoad);
        Assert.Equal(without.TimeCompression, with.TimeCompression);
        Assert.Equal(without.Quotas.Where(q => q.Key != "cpu").SelectMany(q => q.Value), with.Quotas.Where(q => q.Key != "cpu").SelectMany(q => q.Value));

        // The CPU jobs' arrivals are compressed on their own, from 0, to the asked share of the cpu pool's cores.
        Assert.Equal(TimeSpan.Zero, cpuJobs.Min(j => j.Submit));
        Assert.Equal(0.6, with.CpuOfferedLoad, 6);
        Assert.Equal(0.6, WorkloadPreparer.CpuOfferedLoad(cpuJobs, with.CpuPoolCores), 6);
        Assert.True(with.CpuTimeCompression < 1, $"CPU arrivals stretched ({with.CpuTimeCompression})");
    }

    [Fact]
    public void Prepare_KeepCpuOnlyJobs_WithoutCpuNodes_ChangesNothing()
    {
        var nodes = OpenbNodeReader.Read(SharedData.Trace("openb_node_list_gpu_node.csv"), includeCpuNodes: true);
        var pods = OpenbPodReader.Read(SharedData.Trace("openb_pod_list_gpuspec33.csv"));
        var without = WorkloadPreparer.Prepare("gpuspec33", nodes, pods, TwoPercent);

        var with = WorkloadPreparer.Prepare("gpuspec33", nodes, pods, TwoPercent with { KeepCpuOnlyJobs = true, CpuOfferedLoad = 0.6 });

        Assert.Equal(without.Jobs.Select(Key), with.Jobs.Select(Key));
        Assert.Equal(without.Nodes.AsEnumerable(), with.Nodes.AsEnumerable());
        Assert.Equal(without.ExcludedCpuOnlyJobs, with.ExcludedCpuOnlyJobs);
        Assert.True(with.ExcludedCpuOnlyJobs > 1000);
        Assert.Equal(without.OfferedLoad, with.OfferedLoad);
    }

    /// <summary>Everything a prepared job carries, in one string (its model list is an array, which a record compares by reference).</summary>
    private static string Key(SimJob j) => FormattableString.Invariant(
        $"{j.Id}|{j.Submit.Ticks}|{j.Duration.Ticks}|{j.Gpus}|{j.GpuMilli}|{j.CpuMilli}|{j.MemoryMib}|{string.Join(',', j.GpuModels)}|{j.Qos}|{j.Department}|{j.GpuUtilization:R}|{j.CpuUtilization:R}|{j.Template}|{j.DeclaredDuration?.Ticks}");
}
