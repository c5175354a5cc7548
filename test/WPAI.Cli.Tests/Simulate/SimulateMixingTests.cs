using WPAI.Cli.Commands.Simulate;

namespace WPAI.Cli.Tests.Simulate;

/// <summary><c>wpai simulate --mixing</c> on the command line (moved from WPAI.Simulation.Tests' MixingArgumentsTests).</summary>
public sealed class SimulateMixingTests
{
    [Fact]
    public async Task Parse_Defaults_MatchTheIssue()
    {
        var settings = await SettingsCapture.ParseAsync<SimulateMixingSettings>("simulate", "--mixing", "--nodes", "n.csv", "--pods", "p.csv", "--inference", "a.csv,b.csv");
        var a = settings.ToOptions();

        Assert.Equal(["a.csv", "b.csv"], a.LoadFiles.ToArray());
        Assert.Equal(0.02, a.FleetScale);
        Assert.Null(a.OfferedLoad);
        Assert.Equal(1.5, a.TrainingLoad);
        Assert.Equal(0.7, a.OnlineShare);
        Assert.Null(a.Arrivals);
        Assert.Equal(["wpai-mixing", "wpai-mixing-lookahead", "no-mixing", "time-window", "wpai-mixing-all"], a.Policies.Select(p => p.Name));
        Assert.Equal(TimeSpan.FromMinutes(5), a.Tick);
    }

    [Fact]
    public async Task Parse_SeveralFilesAfterInference_AreAllKept()
    {
        var settings = await SettingsCapture.ParseAsync<SimulateMixingSettings>(
            "simulate", "--nodes", "n.csv", "--pods", "p.csv", "--mixing", "--inference", "a.csv", "b.csv", "--policies", "no-mixing,wpai-mixing-avoid-doomed");
        var a = settings.ToOptions();

        Assert.Equal(["a.csv", "b.csv"], a.LoadFiles.ToArray());
        Assert.Equal(["no-mixing", "wpai-mixing-avoid-doomed"], a.Policies.Select(p => p.Name));
    }

    [Fact]
    public async Task Parse_Durations_UseTheOneGrammar()
    {
        var settings = await SettingsCapture.ParseAsync<SimulateMixingSettings>(
            "simulate", "--mixing", "--nodes", "n.csv", "--pods", "p.csv", "--inference", "a.csv", "--warm-up", "1d12h", "--drain", "0", "--retrain", "1h30m", "--tick", "10m");
        var a = settings.ToOptions();

        Assert.Equal(TimeSpan.FromHours(36), a.WarmUp);
        Assert.Equal(TimeSpan.Zero, a.Drain);
        Assert.Equal(TimeSpan.FromMinutes(90), a.Retrain);
        Assert.Equal(TimeSpan.FromMinutes(10), a.Tick);
    }

    [Fact]
    public async Task Parse_OfferedAndTrainingLoadTogether_IsRejected()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--mixing", "--nodes", "n.csv", "--pods", "p.csv", "--inference", "a.csv", "--offered-load", "0.5", "--training-load", "1.5");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--training-load", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_NewScenarioOptions_AreKept()
    {
        var settings = await SettingsCapture.ParseAsync<SimulateMixingSettings>(
            "simulate", "--mixing", "--nodes", "n.csv", "--pods", "p.csv", "--inference", "a.csv", "--training-load", "2", "--arrivals", "3d", "--checkpointable", "0.25", "--checkpoint-interval", "15m");
        var a = settings.ToOptions();

        Assert.Equal(2, a.TrainingLoad);
        Assert.Equal(TimeSpan.FromDays(3), a.Arrivals);
        Assert.Equal(0.25, a.CheckpointableShare);
        Assert.Equal(TimeSpan.FromMinutes(15), a.CheckpointInterval);
    }

    [Theory]
    [InlineData("--policies", "wpai-mixing,bogus", "--policies")]
    [InlineData("--fleet-scale", "1.5", "--fleet-scale")]
    [InlineData("--offered-load", "zero", "--offered-load")]
    [InlineData("--tick", "90s", "--tick")]
    [InlineData("--online-share", "1", "--online-share")]
    [InlineData("--training-load", "0", "--training-load")]
    [InlineData("--arrivals", "-1d", "--arrivals")]
    [InlineData("--checkpointable", "1.5", "--checkpointable")]
    [InlineData("--frobnicate", "1", "Unknown option 'frobnicate'")]
    public async Task Parse_BadValue_NamesTheOption(string option, string value, string field)
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--mixing", "--nodes", "n.csv", "--pods", "p.csv", "--inference", "a.csv", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(field, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_NoInference_SaysItIsRequired()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--mixing", "--nodes", "n.csv", "--pods", "p.csv");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--inference", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingNodesFile_ExitsTwoNamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), "wpai-absent-" + Guid.NewGuid().ToString("N") + ".csv");

        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--mixing", "--nodes", missing, "--pods", "p.csv", "--inference", "a.csv");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {missing}: the file does not exist. Pass an existing CSV file (the openb traces live in shared/data/traces).\n", run.Error);
    }
}
