using WPAI.Abstractions.Errors;
using WPAI.Simulation.Mixing;

namespace WPAI.Simulation.Tests.Mixing;

public sealed class MixingArgumentsTests
{
    [Fact]
    public void Parse_Defaults_MatchTheIssue()
    {
        var a = MixingSimulationArguments.Parse(["--mixing", "--nodes", "n.csv", "--pods", "p.csv", "--inference", "a.csv,b.csv"]);

        Assert.Equal(["a.csv", "b.csv"], a.LoadFiles.ToArray());
        Assert.Equal(0.02, a.FleetScale);
        Assert.Equal(0.5, a.OfferedLoad);
        Assert.Equal(["wpai-mixing", "wpai-mixing-lookahead", "no-mixing", "time-window"], a.Policies.Select(p => p.Name));
        Assert.Equal(TimeSpan.FromMinutes(5), a.Tick);
    }

    [Fact]
    public void Parse_SeveralFilesAfterInference_AreAllKept()
    {
        var a = MixingSimulationArguments.Parse(["--nodes", "n.csv", "--pods", "p.csv", "--inference", "a.csv", "b.csv", "--policies", "no-mixing,wpai-mixing-avoid-doomed"]);

        Assert.Equal(["a.csv", "b.csv"], a.LoadFiles.ToArray());
        Assert.Equal(["no-mixing", "wpai-mixing-avoid-doomed"], a.Policies.Select(p => p.Name));
    }

    [Theory]
    [InlineData("--policies", "wpai-mixing,bogus", "--policies")]
    [InlineData("--fleet-scale", "1.5", "--fleet-scale")]
    [InlineData("--offered-load", "zero", "--offered-load")]
    [InlineData("--tick", "90s", "--tick")]
    [InlineData("--online-share", "1", "--online-share")]
    [InlineData("--frobnicate", "1", "--frobnicate")]
    public void Parse_BadValue_NamesTheOption(string option, string value, string field)
    {
        var e = Assert.Throws<WpaiValidationException>(() => MixingSimulationArguments.Parse(["--nodes", "n.csv", "--pods", "p.csv", "--inference", "a.csv", option, value]));

        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoInference_SaysItIsRequired()
    {
        var e = Assert.Throws<WpaiValidationException>(() => MixingSimulationArguments.Parse(["--mixing", "--nodes", "n.csv", "--pods", "p.csv"]));

        Assert.Contains("--inference", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingNodesFile_ExitsTwoNamingTheFile()
    {
        using var dir = new TempDir();
        var output = new StringWriter();
        var args = MixingFixtures.Args(dir);
        args[args.IndexOf("--nodes") + 1] = Path.Combine(dir.Path, "absent.csv");

        var code = await MixingSimulationCommand.RunAsync(args, output);

        Assert.Equal(2, code);
        Assert.Contains("absent.csv", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("does not exist", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedLoadFile_NamesFileLineAndColumn()
    {
        using var dir = new TempDir();
        var output = new StringWriter();
        var args = MixingFixtures.Args(dir);
        var bad = dir.File("bad.csv", "timestamp,value\n2015-01-01 00:00:00,5\n2015-01-01 00:30:00,lots\n");
        args[args.IndexOf("--inference") + 1] = bad;

        var code = await MixingSimulationCommand.RunAsync(args, output);

        Assert.Equal(2, code);
        Assert.Contains("bad.csv:3:21", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LoadShorterThanADay_IsRejected()
    {
        using var dir = new TempDir();
        var output = new StringWriter();
        var args = MixingFixtures.Args(dir);
        args[args.IndexOf("--inference") + 1] = dir.File("short.csv", "timestamp,value\n2015-01-01 00:00:00,5\n2015-01-01 06:00:00,7\n");

        var code = await MixingSimulationCommand.RunAsync(args, output);

        Assert.Equal(2, code);
        Assert.Contains("less than one whole day", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedPodsFile_NamesFileLineAndColumn()
    {
        using var dir = new TempDir();
        var output = new StringWriter();
        var args = MixingFixtures.Args(dir);
        args[args.IndexOf("--pods") + 1] = dir.File("badpods.csv",
            "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\np1,4000,16384,one,1000,T4,BE,Succeeded,0,60,0\n");

        var code = await MixingSimulationCommand.RunAsync(args, output);

        Assert.Equal(2, code);
        Assert.Contains("badpods.csv:2:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("num_gpu", output.ToString(), StringComparison.Ordinal);
    }
}
