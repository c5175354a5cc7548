using WPAI.Abstractions.Errors;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests;

public sealed class OpenbReaderTests
{
    private const string PodHeader = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

    [Fact]
    public void ReadNodes_GpuFleet_MatchesPublishedCounts()
    {
        var nodes = OpenbNodeReader.Read(SharedData.Trace("openb_node_list_gpu_node.csv"));

        Assert.Equal(1213, nodes.Count);
        Assert.Equal(6212, nodes.Sum(n => n.Gpus));
        Assert.Equal(7, nodes.Select(n => n.Pool).Distinct().Count());
    }

    [Fact]
    public void ReadPods_DefaultTrace_HasEveryPodWithDurations()
    {
        var pods = OpenbPodReader.Read(SharedData.Trace("openb_pod_list_default.csv"));

        Assert.Equal(8152, pods.Count);
        Assert.Equal(TimeSpan.Zero, pods[0].Submit);
        var first = pods.Single(p => p.Id == "openb-pod-0001");
        Assert.Equal(TimeSpan.FromSeconds(12902960 - 427061), first.Duration);
        Assert.Equal(1, first.Gpus);
        Assert.Equal(460, first.GpuMilli);
        Assert.Equal(41, pods.Count(p => p.Duration > TimeSpan.FromDays(7)));
        Assert.Equal(38, pods.Count(p => p.Duration > TimeSpan.FromDays(7) && p.Gpus > 0));
    }

    [Fact]
    public void ReadPods_GpuSpec_KeepsOrderedModels()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "p1,1000,1024,1,1000,V100M16|V100M32,BE,Succeeded,10,70,10\np2,1000,1024,0,0,,BE,Succeeded,5,6,5\n");

        var pods = OpenbPodReader.Read(path);

        Assert.Equal(["p2", "p1"], pods.Select(p => p.Id));
        Assert.Equal(new[] { "V100M16", "V100M32" }, pods[1].GpuModels.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(5), pods[1].Submit);
        Assert.Equal(TimeSpan.FromSeconds(60), pods[1].Duration);
        Assert.Empty(pods[0].GpuModels);
    }

    [Fact]
    public void ReadPods_BadInteger_NamesFileLineAndColumn()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "p1,1000,1024,1,1000,,BE,Succeeded,10,70,10\np2,1000,1024,two,1000,,BE,Succeeded,10,70,10\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbPodReader.Read(path));

        Assert.Equal($"{path}:3:14 (num_gpu)", error.Field);
        Assert.Contains("'two' is not an integer", error.Reason, StringComparison.Ordinal);
        Assert.NotNull(error.Fix);
    }

    [Fact]
    public void ReadPods_DeletionBeforeCreation_IsRejected()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "p1,1000,1024,1,1000,,BE,Succeeded,100,70,10\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbPodReader.Read(path));

        Assert.StartsWith($"{path}:2:", error.Field, StringComparison.Ordinal);
        Assert.Contains("deletion_time", error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPods_WrongFieldCount_IsRejected()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "p1,1000,1024,1,1000\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbPodReader.Read(path));

        Assert.Equal($"{path}:2:1", error.Field);
        Assert.Contains("5 fields", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPods_MissingColumn_NamesIt()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", "name,cpu_milli\np1,1000\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbPodReader.Read(path));

        Assert.Contains("memory_mib", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPods_SharedMultiGpu_IsRejected()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "p1,1000,1024,2,500,,BE,Succeeded,10,70,10\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbPodReader.Read(path));

        Assert.Contains("gpu_milli", error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadNodes_DuplicateName_IsRejected()
    {
        using var dir = new TempDir();
        var path = dir.File("nodes.csv", "sn,cpu_milli,memory_mib,gpu,model\nn1,1000,1024,2,T4\nn1,1000,1024,2,T4\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbNodeReader.Read(path));

        Assert.Equal($"{path}:3:1 (sn)", error.Field);
    }

    [Fact]
    public void ReadNodes_MissingFile_SaysSo()
    {
        var error = Assert.Throws<WpaiValidationException>(() => OpenbNodeReader.Read("/nonexistent/nodes.csv"));

        Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
    }
}
