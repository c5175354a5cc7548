using System.Diagnostics;
using System.Text.RegularExpressions;

namespace WPAI.Cluster.Tests;

/// <summary>
/// A PostgreSQL server of this test's own, started with <c>scripts/postgres.sh start</c> (never the shared test server,
/// which other test projects use at the same time), so the test can stop and restart it (<c>down</c>/<c>up</c>).
/// Stopped and deleted on dispose (<c>stop</c>, by the server's PID).
/// </summary>
internal sealed partial class PrivatePostgres : IAsyncDisposable
{
    private readonly Dictionary<string, string> _env;

    private PrivatePostgres(Dictionary<string, string> env)
    {
        _env = env;
        AdminConnectionString = env["WPAI_TEST_POSTGRES"];
    }

    public string AdminConnectionString { get; }

    public static async Task<PrivatePostgres> StartAsync()
    {
        var (code, output) = await RunScriptAsync("start", new Dictionary<string, string>());
        if (code != 0)
        {
            Assert.Fail($"scripts/postgres.sh start failed (exit {code}):\n{output}");
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in ExportLine().Matches(output))
        {
            env[m.Groups[1].Value] = m.Groups[2].Value;
        }

        if (!env.ContainsKey("WPAI_TEST_POSTGRES") || !env.ContainsKey("WPAI_PG_DIR"))
        {
            Assert.Fail("scripts/postgres.sh start printed no WPAI_TEST_POSTGRES/WPAI_PG_DIR export:\n" + output);
        }

        return new PrivatePostgres(env);
    }

    /// <summary>Stops the server (fast shutdown: open connections are cut), keeping its data.</summary>
    public Task DownAsync() => RequireAsync("down");

    /// <summary>Starts the same server again on the same port.</summary>
    public Task UpAsync() => RequireAsync("up");

    public async ValueTask DisposeAsync() => await RunScriptAsync("stop", _env);

    private async Task RequireAsync(string verb)
    {
        var (code, output) = await RunScriptAsync(verb, _env);
        Assert.True(code == 0, $"scripts/postgres.sh {verb} failed (exit {code}):\n{output}");
    }

    private static async Task<(int Code, string Output)> RunScriptAsync(string verb, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo("bash", [RepoPaths.PostgresScript, verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in new[] { "WPAI_TEST_POSTGRES", "WPAI_PG_DIR", "WPAI_PG_BIN", "WPAI_PG_PORT" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return (-1, "timed out after 5 minutes\n" + await stdout + await stderr);
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    [GeneratedRegex("^export (WPAI_[A-Z_]+)='([^']*)'$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
