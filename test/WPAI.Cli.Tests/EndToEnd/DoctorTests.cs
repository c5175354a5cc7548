using System.Text.Json;
using WPAI.Cli.Commands.Doctor;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary><c>wpai doctor</c> against a real silo, an unreachable gateway, and the real PostgreSQL of ./test.sh.</summary>
public sealed class DoctorTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task Doctor_AgainstARunningSilo_PassesGatewayMembershipAndClockSkew()
    {
        var run = await CliRun.RunAsync(new OrleansConnector(), ["doctor", .. silo.Target]);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"PASS  gateway     connected through 127.0.0.1:{silo.GatewayPort}, cluster '{silo.ClusterId}'", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("PASS  membership  1 active silo: S127.0.0.1:", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("PASS  clock skew  one active silo; its clock is ", lines[2], StringComparison.Ordinal);
        Assert.Equal("PASS  runs        no silo reports runs that could not be completed or re-attached", lines[3]);
        Assert.Equal("doctor: 4 passed, 0 warnings, 0 failed", lines[4]);
    }

    [Fact]
    public async Task Doctor_NoSiloAtTheGateway_FailsWithExit4AndSaysWhatToCheck()
    {
        var port = SiloFixture.FreePorts(1)[0];
        var run = await CliRun.RunAsync(new OrleansConnector(), "doctor", "--gateway", $"127.0.0.1:{port}", "--cluster-id", "nobody-here");
        Assert.Equal(DoctorCommand.ExitFailed, run.ExitCode);
        Assert.Contains($"FAIL  gateway     cannot reach a WPAI silo at 127.0.0.1:{port}", run.Output, StringComparison.Ordinal);
        Assert.Contains("Start a silo with --cluster-id nobody-here, or check --gateway and --cluster-id", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL  clock skew  not checked: no silo reachable", run.Output, StringComparison.Ordinal);
        Assert.EndsWith("doctor: 0 passed, 0 warnings, 4 failed\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SchemaCheck_FailsOnAFreshDatabase_AndPassesAfterDbInit()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var database = db.Name;
        var connection = db.ConnectionString;
        var fresh = await CliRun.RunAsync(new OrleansConnector(), ["doctor", "--connection", connection, .. silo.Target]);
        Assert.Equal(DoctorCommand.ExitFailed, fresh.ExitCode);
        Assert.StartsWith("PASS  database    connected to PostgreSQL ", fresh.Output, StringComparison.Ordinal);
        Assert.Contains($"FAIL  schema      no WPAI schema in database '{database}', this build expects ", fresh.Output, StringComparison.Ordinal);
        Assert.Contains("Run `wpai db init --connection …`", fresh.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRun.RunAsync(new OrleansConnector(), "db", "init", "--connection", connection)).ExitCode);
        var ready = await CliRun.RunAsync(new OrleansConnector(), ["doctor", "--connection", connection, "--output", "json", .. silo.Target]);
        Assert.True(ready.ExitCode == 0, ready.Output + ready.Error);
        var checks = JsonDocument.Parse(ready.Output).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("check").GetString()!, c => c.GetProperty("verdict").GetString());
        Assert.Equal("Pass", checks["schema"]);
        Assert.Equal("Pass", checks["database"]);
        Assert.Equal("Pass", checks["gateway"]);
    }

    [Fact]
    public async Task Doctor_UnreachableDatabase_FailsTheDatabaseAndSchemaChecks()
    {
        var run = await CliRun.RunAsync(new OrleansConnector(), ["doctor", "--connection", "Host=127.0.0.1;Port=1;Database=x;Username=x;Timeout=2", .. silo.Target]);
        Assert.Equal(DoctorCommand.ExitFailed, run.ExitCode);
        Assert.Contains("FAIL  database    Cannot connect to PostgreSQL at 127.0.0.1:1, database 'x'", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL  schema      not checked: the database cannot be reached", run.Output, StringComparison.Ordinal);
        Assert.Contains("PASS  gateway", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_BadMaxSkew_IsRejectedAsBadInput()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "doctor", "--max-skew", "soon");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--max-skew: 'soon' is not a duration", run.Error + run.Output, StringComparison.Ordinal);
    }
}
