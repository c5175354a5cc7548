using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Cli.Tests;

/// <summary>
/// <c>wpai service update NAME --models DIR [--model M]</c>: the repository is checked on this machine (a folder holding
/// the model) and sent as an absolute path; bad input exits 2 with what to fix and sends nothing. <c>service show</c>
/// prints a service's problem (a crash loop).
/// </summary>
public sealed class ServiceUpdateCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wpai-cli-update-" + Guid.NewGuid().ToString("N")[..8]);

    public ServiceUpdateCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "models-v2", "resnet18", "2"));
        Directory.CreateDirectory(Path.Combine(_root, "other", "mobilenet", "1"));
    }

    [Fact]
    public async Task Update_SendsTheAbsoluteRepository_AndShowsTheRollout()
    {
        var client = new RecordingClient { Service = Service("/srv/models") };
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(_root, "models-v2"));

        var run = await CliRun.RunAsync(client, "service", "update", "resnet", "--models", relative);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(["service get resnet", $"service update resnet {Path.Combine(_root, "models-v2")}"], client.Calls);
        Assert.Contains($"models: /srv/models, rolling out {Path.Combine(_root, "models-v2")}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ChecksTheNamedModel_WhenModelIsGiven()
    {
        var client = new RecordingClient { Service = Service("/srv/models") };

        var run = await CliRun.RunAsync(client, "service", "update", "resnet", "--models", Path.Combine(_root, "other"), "--model", "mobilenet");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"service update resnet {Path.Combine(_root, "other")}", client.Calls);
    }

    [Theory]
    [InlineData("missing-models", null, "--models", "is not a folder")]
    [InlineData("other", null, "--models", "has no folder for model 'resnet18'")]
    [InlineData(null, null, "--models", "is required")]
    public async Task Update_RefusesBadInput_WithExitCode2_AndSendsNothing(string? folder, string? model, string field, string reason)
    {
        var client = new RecordingClient { Service = Service("/srv/models") };
        string[] args = ["service", "update", "resnet", .. folder is null ? [] : (string[])["--models", Path.Combine(_root, folder)], .. model is null ? [] : (string[])["--model", model]];

        var run = await CliRun.RunAsync(client, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(field, run.Error, StringComparison.Ordinal);
        Assert.Contains(reason, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Calls, c => c.StartsWith("service update", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Update_OfAnUnknownService_SaysSo()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "service", "update", "nope", "--models", Path.Combine(_root, "models-v2"));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("nope", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_PrintsTheServicesProblem_ACrashLoop()
    {
        var problem = "crash loop: 2 replica start(s) failed in a row; next start in 20 s (back-off); last: replica resnet/replica-1 on n1: exit code 2";
        var client = new RecordingClient { Service = Service("/srv/models") with { Problem = problem } };

        var run = await CliRun.RunAsync(client, "service", "show", "resnet");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("problem: " + problem, run.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static InferenceServiceView Service(string repository) => new(
        new InferenceServiceSpec("resnet", "resnet18", "T4", new Resources(1, 1000, 2048), 4, 1, 3,
            ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, 0.7), TimeSpan.FromSeconds(1), 0.05, repository),
        1, [], 0, null, new ForecasterView(false, null, 0, null, null, null, "no model yet"), [], 1);
}
