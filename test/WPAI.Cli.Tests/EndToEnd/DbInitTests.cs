using System.Text.Json;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary><c>wpai db init</c> against the real PostgreSQL that ./test.sh starts (WPAI_TEST_POSTGRES).</summary>
public sealed class DbInitTests
{
    [Fact]
    public async Task DbInit_AppliesTheSchemaOnce_AndReportsTheSameVersionWhenRunAgain()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var connection = db.ConnectionString;
        var first = await CliRun.RunAsync(new RecordingClient(), "db", "init", "--connection", connection, "--output", "json");
        Assert.Equal(0, first.ExitCode);
        var report = JsonDocument.Parse(first.Output).RootElement;
        var version = report.GetProperty("version").GetInt32();
        Assert.Equal(report.GetProperty("latestVersion").GetInt32(), version);
        Assert.Equal(0, report.GetProperty("previousVersion").GetInt32());
        Assert.NotEqual(0, report.GetProperty("appliedScripts").GetArrayLength());

        var second = await CliRun.RunAsync(new RecordingClient(), "db", "init", "--connection", connection);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains($"schema version {version} (was {version}", second.Output, StringComparison.Ordinal);
        Assert.Contains("scripts applied: none (already current)", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbInit_UnreachableServer_ReportsAClearErrorAndExit3()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "db", "init", "--connection", "Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x;Timeout=2");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("Cannot connect to PostgreSQL at 127.0.0.1:1", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbInit_WithoutConnection_IsRejectedBeforeAnything()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "db", "init");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--connection", run.Output + run.Error, StringComparison.Ordinal);
    }
}
