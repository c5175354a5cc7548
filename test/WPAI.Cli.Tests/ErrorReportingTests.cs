using Orleans.Runtime;
using WPAI.Abstractions.Errors;
using WPAI.Client;

namespace WPAI.Cli.Tests;

public sealed class ErrorReportingTests
{
    [Fact]
    public async Task ValidationErrorFromTheCluster_IsOneLine_WithExitCode2()
    {
        var client = new RecordingClient { Throw = new WpaiValidationException("spec.gpus", "asks for 16 GPUs but the largest T4 node has 4", "Ask for at most 4, or accept another model") };

        var run = await CliRun.RunAsync(client, "job", "submit", "big", "--dept", "research", "--gpus", "16", "--cpu", "4", "--memory", "8Gi", "--gpu-models", "T4", "--duration", "1h");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --gpus: asks for 16 GPUs but the largest T4 node has 4. Ask for at most 4, or accept another model\n", run.Error);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public async Task NotFound_IsOneLine_WithExitCode2()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "pool", "show", "nope");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: pool 'nope' does not exist (no node, quota or job refers to it); known pools: T4\n", run.Error);
    }

    [Fact]
    public async Task NotFoundWithKindAndId_NamesBoth()
    {
        var client = new RecordingClient { Throw = new WpaiNotFoundException("job", "ghost") };

        var run = await CliRun.RunAsync(client, "job", "show", "ghost");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: job 'ghost' does not exist\n", run.Error);
    }

    [Fact]
    public async Task LostConnection_SaysHowToStartASilo_WithExitCode3()
    {
        var client = new RecordingClient { Throw = new SiloUnavailableException("the silo went away") };

        var run = await CliRun.RunAsync(client, "node", "list");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("error: lost the connection to the WPAI cluster (the silo went away). " + Infrastructure.CliErrors.StartSiloHint + "\n", run.Error);
    }

    [Fact]
    public async Task UnexpectedError_IsOneLine_WithExitCode1()
    {
        var client = new RecordingClient { Throw = new InvalidOperationException("line one\nline two") };

        var run = await CliRun.RunAsync(client, "node", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: unexpected InvalidOperationException: line one line two\n", run.Error);
    }

    [Fact]
    public async Task NoSilo_RealOrleansClient_FailsFastWithExitCode3_AndTheStartHint()
    {
        var port = FreePort();

        var run = await CliRun.RunAsync(new Infrastructure.OrleansConnector(), "node", "list", "--gateway", $"127.0.0.1:{port}");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith($"error: cannot reach a WPAI silo at 127.0.0.1:{port} (", run.Error, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/Silo", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task WpaiConnection_ThrowsConnectionException_NamingTheGateway()
    {
        var port = FreePort();
        var options = new WpaiClientOptions { ConnectTimeout = TimeSpan.FromSeconds(30) };
        options.Gateways.Add($"127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<WpaiConnectionException>(() => WpaiConnection.ConnectAsync(options));

        Assert.Equal([$"127.0.0.1:{port}"], error.Gateways);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on (bound, read, released).</summary>
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
