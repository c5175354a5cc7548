using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace WPAI.Benchmarks;

/// <summary>One silo process (<c>dotnet src/Silo/bin/Release/net10.0/WPAI.Silo.dll --storage postgres …</c>), killed by its PID on dispose.</summary>
internal sealed class BenchSiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private BenchSiloProcess(Process process, int siloPort, int httpPort)
    {
        _process = process;
        SiloPort = siloPort;
        MetricsUrl = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/metrics");
    }

    public int SiloPort { get; }

    /// <summary>The silo's Prometheus endpoint (its dashboard port; the Orleans dashboard itself is off).</summary>
    public Uri MetricsUrl { get; }

    public int Pid => _process.Id;

    /// <summary>Starts a silo; with <paramref name="countCalls"/> it counts its grain calls by origin (<c>Wpai:Metrics:CountCallOrigins</c>).</summary>
    public static BenchSiloProcess Start(string siloDll, string connection, string clusterId, bool poolAffinity = true, bool countCalls = false, int? cpus = null)
    {
        var ports = FreePorts.Take(3);
        var info = new ProcessStartInfo("dotnet",
        [
            siloDll,
            "--storage", "postgres",
            "--connection", connection,
            "--cluster-id", clusterId,
            "--silo-port", ports[0].ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ports[1].ToString(CultureInfo.InvariantCulture),
            "--dashboard-port", ports[2].ToString(CultureInfo.InvariantCulture),
            "--Wpai:Dashboard:Enabled", "false",
            "--Wpai:Placement:PoolAffinity", poolAffinity ? "true" : "false",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (countCalls)
        {
            info.ArgumentList.Add("--" + WPAI.Silo.Metrics.CallOrigins.ConfigurationKey);
            info.ArgumentList.Add("true");
        }

        if (cpus is { } n)
        {
            info.Environment["DOTNET_PROCESSOR_COUNT"] = n.ToString(CultureInfo.InvariantCulture); // the runtime sizes its thread pool, GC and spinning to n cores
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = new Process { StartInfo = info };
        var silo = new BenchSiloProcess(process, ports[0], ports[2]);
        process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    public async Task WaitActiveAsync(string connection, string clusterId)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited with {_process.ExitCode}:\n{Tail()}");
            }

            try
            {
                await using var db = new NpgsqlConnection(connection);
                await db.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT count(*) FROM wpai_membership WHERE deployment_id = @c AND status = 3 AND port = @p", db);
                command.Parameters.AddWithValue("c", clusterId);
                command.Parameters.AddWithValue("p", SiloPort);
                if (await command.ExecuteScalarAsync() is long and > 0)
                {
                    return;
                }
            }
            catch (PostgresException)
            {
                // the schema is not there yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the silo did not become active in 3 minutes:\n{Tail()}");
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 100)
            {
                _tail.Dequeue();
            }
        }
    }
}
