using WPAI.Abstractions.Errors;
using WPAI.Simulation.Inference;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Workload;

/// <summary>Quoted fields (RFC 4180, read with Sep) in the trace and load files, and the positions their errors name.</summary>
public sealed class CsvQuotingTests
{
    private const string PodHeader = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

    [Fact]
    public void ReadPods_QuotedFields_HoldCommasQuotesAndSpaces()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "\"train, \"\"big\"\"\", 4000 ,1024,1,1000,\"V100M16|V100M32\",BE,Succeeded,10,70,10\n");

        var pod = Assert.Single(OpenbPodReader.Read(path));

        Assert.Equal("train, \"big\"", pod.Id);
        Assert.Equal(4000, pod.CpuMilli);
        Assert.Equal(["V100M16", "V100M32"], pod.GpuModels.ToArray());
    }

    [Fact]
    public void ReadPods_BadValueAfterAQuotedComma_NamesItsOwnColumn()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "\"a,b\",1000,1024,two,1000,,BE,Succeeded,10,70,10\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbPodReader.Read(path));

        // "a,b",1000,1024, is 16 characters: num_gpu starts in column 17.
        Assert.Equal($"{path}:2:17 (num_gpu)", error.Field);
        Assert.Contains("'two' is not an integer", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadPods_LineBreakInAQuotedField_MovesTheNextFieldsToTheirOwnLine()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "p0,1000,1024,1,1000,,BE,Succeeded,10,70,10\n\"two\nlines\",1000,1024,x,1000,,BE,Succeeded,10,70,10\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbPodReader.Read(path));

        // The row starts on line 3; its num_gpu sits on line 4 after 'lines",1000,1024,' (17 characters).
        Assert.Equal($"{path}:4:18 (num_gpu)", error.Field);
    }

    [Fact]
    public void ReadPods_UnclosedQuote_NamesWhereItOpens()
    {
        using var dir = new TempDir();
        var path = dir.File("pods.csv", PodHeader + "p1,1000,\"1024,1,1000,,BE,Succeeded,10,70,10\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbPodReader.Read(path));

        Assert.Equal($"{path}:2:9", error.Field);
        Assert.Contains("never closed", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadNodes_RepeatedHeaderName_IsRejectedAtLineOne()
    {
        using var dir = new TempDir();
        var path = dir.File("nodes.csv", "sn,sn,memory_mib,gpu,model\nn1,1,1,1,T4\n");

        var error = Assert.Throws<WpaiValidationException>(() => OpenbNodeReader.Read(path));

        Assert.Equal($"{path}:1:1", error.Field);
    }

    [Fact]
    public void ReadLoad_QuotedNab_IsUnquoted()
    {
        using var dir = new TempDir();
        var path = dir.File("q.csv", "\"timestamp\",\"value\"\n\"2014-04-10 00:00:00\",\"10\"\n\"2014-04-10 00:05:00\",20\n");

        var series = LoadFileReader.Read(path);

        Assert.Equal([10.0, 20], series.Values);
        Assert.Equal(TimeSpan.FromMinutes(5), series.Step);
    }

    [Fact]
    public void ReadLoad_QuotedContainerWithAComma_IsOneField()
    {
        using var dir = new TempDir();
        var path = dir.File("b.csv", "timestamp_anon,value,container_ip,request_type\n0,1.0,\"10.0.0.1,a\",Gen\n0,3.0,\"10.0.0.1,b\",Gen\n60,4.0,\"10.0.0.1,a\",Gen\n");

        var series = LoadFileReader.Read(path);

        Assert.Equal([4.0, 4.0], series.Values); // minute 0: 1 + 3 from two containers; minute 1: 4
    }

    [Fact]
    public void ReadLoad_BadValueAfterAQuotedTimestamp_NamesItsColumn()
    {
        using var dir = new TempDir();
        var path = dir.File("e.csv", "timestamp,value\n2014-04-10 00:00:00,10\n\"2014-04-10 00:05:00\",abc\n");

        var e = Assert.Throws<LoadFileException>(() => LoadFileReader.Read(path));

        Assert.Equal(3, e.Line);
        Assert.Equal(23, e.Column);
        Assert.Contains("e.csv:3:23: 'abc' is not a non-negative number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLoad_WrongFieldCount_NamesTheRow()
    {
        using var dir = new TempDir();
        var path = dir.File("w.csv", "timestamp,value\n2014-04-10 00:00:00,10\n2014-04-10 00:05:00,1,2\n");

        var e = Assert.Throws<LoadFileException>(() => LoadFileReader.Read(path));

        Assert.Equal(3, e.Line);
        Assert.Equal(1, e.Column);
        Assert.Contains("expected 2 comma-separated columns, found 3", e.Message, StringComparison.Ordinal);
    }
}
