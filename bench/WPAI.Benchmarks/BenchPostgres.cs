using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace WPAI.Benchmarks;

/// <summary>
/// The PostgreSQL the cluster benchmark runs on: <c>WPAI_TEST_POSTGRES</c> when set, else a private server started with
/// <c>scripts/postgres.sh start</c> and stopped (by its PID, through the script) at the end. Each measurement gets a
/// fresh database.
/// </summary>
internal sealed partial class BenchPostgres : IAsyncDisposable
{
    private readonly Dictionary<string, string>? _started;

    private BenchPostgres(string admin, Dictionary<string, string>? started)
    {
        AdminConnectionString = admin;
        _started = started;
    }

    public string AdminConnectionString { get; }

    /// <summary>The postmaster's PID when this benchmark started the server (its CPU time is then counted).</summary>
    public int? Postmaster => ProcessCpu.PostmasterOf(_started?.GetValueOrDefault("WPAI_PG_DIR"));

    public string Origin => _started is null ? "WPAI_TEST_POSTGRES" : "a private server from scripts/postgres.sh";

    public static async Task<BenchPostgres> OpenAsync(string repoRoot)
    {
        if (Environment.GetEnvironmentVariable("WPAI_TEST_POSTGRES") is { Length: > 0 } existing)
        {
            return new BenchPostgres(existing, null);
        }

        var (code, output) = await RunScriptAsync(repoRoot, "start", []);
        if (code != 0)
        {
            throw new InvalidOperationException($"scripts/postgres.sh start failed (exit {code}); set WPAI_TEST_POSTGRES to a server instead.\n{output}");
        }

        var env = ExportLine().Matches(output).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        env["WPAI_REPO_ROOT"] = repoRoot;
        return new BenchPostgres(env["WPAI_TEST_POSTGRES"], env);
    }

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "wpai_bench_" + Guid.NewGuid().ToString("N")[..10];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 200 }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_started is not null)
        {
            await RunScriptAsync(_started["WPAI_REPO_ROOT"], "stop", _started);
        }
    }

    private static async Task<(int Code, string Output)> RunScriptAsync(string repoRoot, string verb, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(repoRoot, "scripts", "postgres.sh"), verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    [GeneratedRegex("^export (WPAI_[A-Z_]+)='([^']*)'$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
