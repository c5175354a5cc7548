using WPAI.Cli.Commands.Simulate;
using WPAI.Simulation.Workload;

namespace WPAI.Cli.Tests.Simulate;

/// <summary><c>wpai simulate</c> (training), its help and the routing of the flag forms.</summary>
public sealed class SimulateTrainingTests
{
    [Fact]
    public async Task Parse_TypedOptions_MapToTheSimulationOptions()
    {
        var settings = await SettingsCapture.ParseAsync<SimulateSettings>(
            "simulate", "--synthetic", "--jobs", "50", "--sweep-load", "0.5,0.9", "--max-duration", "1d12h", "--quota-mode", "proportional", "--policies", "wpai,fifo", "--seed", "7");
        var options = settings.ToOptions();

        Assert.True(options.Synthetic);
        Assert.Equal(50, options.Jobs);
        Assert.Equal([0.5, 0.9], options.Loads.ToArray());
        Assert.Equal(TimeSpan.FromHours(36), options.MaxDuration);
        Assert.Equal(QuotaMode.Proportional, options.QuotaMode);
        Assert.Equal(["wpai", "fifo"], options.Policies.Select(p => p.Name));
        Assert.Equal(7, options.Seed);
        Assert.Equal("simulation-report", options.Out);
        Assert.Equal(3, options.DeclaredOverestimate);
    }

    [Theory]
    [InlineData(new[] { "--synthetic", "--seed", "x" }, "error: --seed: 'x' is not a whole number. Write e.g. --seed 1")]
    [InlineData(new[] { "--synthetic", "--offered-load", "0.9", "--sweep-load", "0.5,0.7" }, "error: --sweep-load: conflicts with --offered-load. Use either --offered-load R or --sweep-load R1,R2,….")]
    [InlineData(new[] { "--synthetic", "--policies", "magic" }, "error: --policies: 'magic' is not a known policy. Use one or more of wpai, static-quota, kueue, yarn-capacity, fifo, wpai-no-borrow, wpai-no-fallback, wpai-no-rightsize, wpai-capped-aging, wpai-no-reservation, wpai-no-backfill, wpai-kept-reservation, wpai-no-penalty, wpai-preempt-first, wpai-victims-fewest, wpai-weigh-wait, wpai-weigh-queue, wpai-weigh-jobs, wpai-leave-room, kueue-preempt-first.")]
    [InlineData(new[] { "--synthetic", "--declared-overestimate", "0.5" }, "error: --declared-overestimate: 0.5 is not a factor of at least 1. Give the largest factor by which jobs over-declare their run time, e.g. 3 (1 = declared exactly).")]
    [InlineData(new[] { "--nodes", "n.csv" }, "error: --pods: is required to replay a trace. Pass --nodes FILE --pods FILE (e.g. shared/data/traces/openb_node_list_gpu_node.csv), or --synthetic.")]
    [InlineData(new[] { "--synthetic", "--max-duration", "7" }, "error: --max-duration: '7' is not a duration. Write e.g. 2h, 90m, 1h30m, 45s or 01:30:00")]
    public async Task BadValue_ExitsTwoWithOneLine(string[] args, string expected)
    {
        var run = await CliRun.RunAsync(new RecordingClient(), ["simulate", .. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.Error);
    }

    [Fact]
    public async Task Run_Synthetic_PrintsTheComparisonAndWritesTheReport()
    {
        var dir = Directory.CreateTempSubdirectory("wpai-cli-simulate-").FullName;
        try
        {
            var run = await CliRun.RunAsync(
                new RecordingClient(), "simulate", "--synthetic", "--jobs", "40", "--node-count", "4", "--days", "1", "--policies", "wpai,fifo", "--out", dir);

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            Assert.Contains("WPAI simulation", run.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "report.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "simulate", "--mixing", "--nodes", "n" }, new[] { "simulate", "mixing", "--nodes", "n" })]
    [InlineData(new[] { "simulate", "--nodes", "n", "--mixing", "--inference", "a" }, new[] { "simulate", "mixing", "--nodes", "n", "--inference", "a" })]
    [InlineData(new[] { "simulate", "--out", "o", "--inference", "a,b" }, new[] { "simulate", "inference", "--out", "o", "a,b" })]
    [InlineData(new[] { "simulate", "--synthetic" }, new[] { "simulate", "--synthetic" })]
    [InlineData(new[] { "job", "list" }, new[] { "job", "list" })]
    public void Route_TurnsTheFlagFormsIntoSubcommands(string[] args, string[] expected) =>
        Assert.Equal(expected, SimulateBranch.Route(args));

    [Fact]
    public async Task Help_Simulate_ListsTheTrainingOptionsAndTheOtherKinds()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("wpai simulate [OPTIONS] [COMMAND]", run.Output, StringComparison.Ordinal);
        Assert.Contains("--nodes <FILE>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--max-duration <DURATION>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--synthetic", run.Output, StringComparison.Ordinal);
        Assert.Contains("mixing", run.Output, StringComparison.Ordinal);
        Assert.Contains("inference <FILES>", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_SimulateInference_ListsItsTypedOptions()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--inference", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("wpai simulate inference <FILES> [OPTIONS]", run.Output, StringComparison.Ordinal);
        Assert.Contains("--quantile <Q>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--startup-delay <DURATION>", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("--nodes", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_SimulateMixing_ListsItsTypedOptions()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--mixing", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--online-share <F>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--inference <FILES>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--training-load <X>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--arrivals <DURATION>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--checkpoint-interval <DURATION>", run.Output, StringComparison.Ordinal);
    }
}
