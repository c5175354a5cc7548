using System.Text.Json;
using Npgsql;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary><c>wpai db init</c> against the real PostgreSQL that ./test.sh starts (WPAI_TEST_POSTGRES).</summary>
public sealed class DbInitTests
{
    [Fact]
    public async Task DbInit_AppliesTheSchemaOnce_AndReportsTheSameVersionWhenRunAgain()
    {
        var server = Environment.GetEnvironmentVariable("WPAI_TEST_POSTGRES");
        Assert.False(string.IsNullOrWhiteSpace(server), "WPAI_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL.");
        var database = "wpai_cli_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        try
        {
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
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
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
