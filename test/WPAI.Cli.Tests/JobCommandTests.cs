using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Cli.Tests;

/// <summary><c>wpai job submit … -- COMMAND</c> and its run options, and <c>wpai job logs</c>.</summary>
public sealed class JobCommandTests
{
    private static readonly string[] Base = ["job", "submit", "train-1", "--dept", "research", "--gpus", "2", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4"];

    [Fact]
    public async Task Submit_TakesTheCommandAfterDoubleDash_WithRetriesGraceAndEnvironment()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, [.. Base, "--max-retries", "2", "--grace", "10s", "--env", "EPOCHS=3", "--", "python", "train.py", "--epochs", "3"]);

        Assert.Equal(0, run.ExitCode);
        var spec = client.SubmittedSpec!;
        Assert.Equal(["python", "train.py", "--epochs", "3"], spec.Command.ToArray());
        Assert.Equal(2, spec.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(10), spec.GracePeriod);
        Assert.Equal("3", spec.Environment!["EPOCHS"]);
        Assert.Equal(TimeSpan.FromHours(1), spec.Duration); // a command job's default expected run time
    }

    [Fact]
    public async Task Submit_Checkpointable_SetsTheFlagAndTheGrace()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, [.. Base, "--duration", "2h", "--checkpointable", "--checkpoint-grace", "10m"]);

        Assert.Equal(0, run.ExitCode);
        Assert.True(client.SubmittedSpec!.Checkpointable);
        Assert.Equal(TimeSpan.FromMinutes(10), client.SubmittedSpec.CheckpointGrace);
    }

    [Theory]
    [InlineData("--checkpoint-grace", "5m", "error: spec.checkpointGrace: is given but the job is not checkpointable.")]
    [InlineData("--env", "CUDA_VISIBLE_DEVICES=0", "error: spec.environment[CUDA_VISIBLE_DEVICES]: is set by the node agent for every run.")]
    [InlineData("--max-retries", "-1", "error: --max-retries: -1 is below 0. Write e.g. --max-retries 2")]
    [InlineData("--workdir", "relative/dir", "error: spec.workingDirectory: 'relative/dir' is not an absolute path.")]
    public async Task Submit_RejectsBadRunOptions_WithExitCode2_AndConnectsNowhere(string option, string value, string expected)
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, [.. Base, option, value, "--", "sh", "-c", "true"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(expected, run.Error, StringComparison.Ordinal);
        Assert.Empty(client.Connections);
        Assert.Null(client.SubmittedSpec);
    }

    [Fact]
    public async Task Logs_PrintsTheNewestRunsLog()
    {
        var client = new RecordingClient { Job = Views.PendingJob() with { Runs = [new RunRecord(1, "gpu-a", [0, 1], Views.T0)] } };

        var run = await CliRun.RunAsync(client, "job", "logs", "resnet-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("line 1\n", run.Output);
        Assert.Contains("job logs resnet-1 1 0", client.Calls);
    }
}
