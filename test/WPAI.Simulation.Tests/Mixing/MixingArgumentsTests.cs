using WPAI.Abstractions.Errors;
using WPAI.Simulation.Inference;
using WPAI.Simulation.Mixing;

namespace WPAI.Simulation.Tests.Mixing;

/// <summary>Bad files of the combined replay are rejected before anything runs (the command-line tests are in WPAI.Cli.Tests).</summary>
public sealed class MixingArgumentsTests
{
    [Fact]
    public async Task Run_MissingNodesFile_IsRejectedNamingTheFile()
    {
        using var dir = new TempDir();
        var options = MixingFixtures.Options(dir) with { Nodes = Path.Combine(dir.Path, "absent.csv") };

        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => MixingSimulationCommand.RunAsync(options, TextWriter.Null));

        Assert.Contains("absent.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedLoadFile_NamesFileLineAndColumn()
    {
        using var dir = new TempDir();
        var bad = dir.File("bad.csv", "timestamp,value\n2015-01-01 00:00:00,5\n2015-01-01 00:30:00,lots\n");
        var options = MixingFixtures.Options(dir) with { LoadFiles = [bad] };

        var e = await Assert.ThrowsAsync<LoadFileException>(() => MixingSimulationCommand.RunAsync(options, TextWriter.Null));

        Assert.Contains("bad.csv:3:21", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LoadShorterThanADay_IsRejected()
    {
        using var dir = new TempDir();
        var options = MixingFixtures.Options(dir) with
        {
            LoadFiles = [dir.File("short.csv", "timestamp,value\n2015-01-01 00:00:00,5\n2015-01-01 06:00:00,7\n")],
        };

        var e = await Assert.ThrowsAsync<LoadFileException>(() => MixingSimulationCommand.RunAsync(options, TextWriter.Null));

        Assert.Contains("less than one whole day", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedPodsFile_NamesFileLineAndColumn()
    {
        using var dir = new TempDir();
        var options = MixingFixtures.Options(dir) with
        {
            Pods = dir.File("badpods.csv",
                "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\np1,4000,16384,one,1000,T4,BE,Succeeded,0,60,0\n"),
        };

        var e = await Assert.ThrowsAsync<WpaiValidationException>(() => MixingSimulationCommand.RunAsync(options, TextWriter.Null));

        Assert.Contains("badpods.csv:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("num_gpu", e.Message, StringComparison.Ordinal);
    }
}
