using System.Globalization;
using System.Text;
using WPAI.Cli.Commands.Simulate;
using WPAI.Simulation.Inference;

namespace WPAI.Cli.Tests.Simulate;

/// <summary><c>wpai simulate --inference FILES</c> on the command line.</summary>
public sealed class SimulateInferenceTests
{
    [Fact]
    public async Task Parse_FilesAfterTheFlag_WithCommasOrSpaces_AndTypedOptions()
    {
        var settings = await SettingsCapture.ParseAsync<SimulateInferenceSettings>(
            "simulate", "--inference", "a.csv,b.csv", "c.csv", "--quantile", "none", "--startup-delay", "90s", "--policies", "wpai,hpa", "--within-step", "hold", "--out", "o");
        var options = settings.ToOptions();

        Assert.Equal(["a.csv", "b.csv", "c.csv"], settings.LoadFiles);
        Assert.Null(options.ForecastQuantile);
        Assert.Equal(TimeSpan.FromSeconds(90), options.StartupDelay);
        Assert.Equal(["wpai", "hpa"], options.Policies.ToArray());
        Assert.Equal("o", options.OutputDirectory);
        Assert.Equal(LoadBetweenPoints.Hold, options.WithinStep);
    }

    [Theory]
    [InlineData("--policies", "magic", "error: --policies: unknown policy 'magic'. Use some of wpai,reactive,hpa,kpa,static-peak,wpai-q0.9,wpai-no-tuning,wpai-no-burst,wpai-no-valley,wpai-no-cost-aware,wpai-no-periodicity,wpai-kpa-base,wpai-formula-base,wpai-no-trend.")]
    [InlineData("--quantile", "0.3", "error: --quantile: 0.3 is not in [0.5, 1]. Write e.g. --quantile 0.9, or --quantile none for the mean forecast.")]
    [InlineData("--train-fraction", "most", "error: --train-fraction: 'most' is not a number. Write e.g. --train-fraction 0.7")]
    [InlineData("--within-step", "cubic", "error: --within-step: 'cubic' is not a shape of the demand between points. Write --within-step linear (the default), hold or centre.")]
    [InlineData("--startup-delay", "60", "error: --startup-delay: '60' is not a duration. Write e.g. 2h, 90m, 1h30m, 45s or 01:30:00")]
    public async Task BadValue_ExitsTwoWithOneLine(string option, string value, string expected)
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--inference", "x.csv", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.Error);
    }

    [Fact]
    public async Task NoFile_ExitsTwo()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--inference");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("FILES", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedLoadFile_ExitsTwoNamingFileLineAndColumn()
    {
        var dir = Directory.CreateTempSubdirectory("wpai-cli-inference-").FullName;
        try
        {
            var bad = Path.Combine(dir, "bad.csv");
            await File.WriteAllTextAsync(bad, "timestamp,value\n2015-01-01 00:00:00,5\n2015-01-01 00:30:00,lots\n");

            var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--inference", bad, "--out", Path.Combine(dir, "out"));

            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith($"error: {bad}:3:21: 'lots' is not a non-negative number.", run.Error, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Run_WritesTheReport_ForEveryPolicy()
    {
        var dir = Directory.CreateTempSubdirectory("wpai-cli-inference-").FullName;
        try
        {
            // Four days at 30-minute steps: 100 by day, 10 by night.
            var load = new StringBuilder("timestamp,value\n");
            var start = new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var t = start; t < start.AddDays(4); t = t.AddMinutes(30))
            {
                load.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-dd HH:mm:ss},{(t.Hour is >= 8 and < 20 ? 100 : 10)}\n");
            }

            var file = Path.Combine(dir, "daily.csv");
            await File.WriteAllTextAsync(file, load.ToString());

            var run = await CliRun.RunAsync(new RecordingClient(), "simulate", "--inference", file, "--policies", "reactive,static-peak", "--out", Path.Combine(dir, "out"));

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            Assert.Contains("daily: ", run.Output, StringComparison.Ordinal);
            Assert.Contains("  reactive ", run.Output, StringComparison.Ordinal);
            Assert.Contains("  static-peak ", run.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "out", "report.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
