using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace WPAI.Cluster.Tests;

/// <summary>
/// One WPAI silo as its own OS process (<c>dotnet src/Silo/bin/&lt;Configuration&gt;/net10.0/WPAI.Silo.dll --storage postgres …</c>),
/// on fixed ports so that a restart comes back at the same address. Its standard output and error are kept (the last
/// lines) for the failure message. Killed by its own PID on dispose, never by name.
/// </summary>
internal sealed partial class SiloProcess : IDisposable
{
    private const int KeptLines = 300;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly string[] _args;
    private Process? _process;

    public SiloProcess(string name, string connection, string clusterId, IEnumerable<string>? extraArgs = null)
        : this(name, clusterId, ["--storage", "postgres", "--connection", connection, .. extraArgs ?? []])
    {
    }

    private SiloProcess(string name, string clusterId, IEnumerable<string> storageArgs)
    {
        Name = name;
        ClusterId = clusterId;
        var ports = FreePorts.Take(3);
        SiloPort = ports[0];
        GatewayPort = ports[1];
        DashboardPort = ports[2];
        _args =
        [
            RepoPaths.SiloDll,
            .. storageArgs,
            "--cluster-id", clusterId,
            "--silo-port", SiloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", GatewayPort.ToString(CultureInfo.InvariantCulture),
            "--dashboard-port", DashboardPort.ToString(CultureInfo.InvariantCulture),
            "--Wpai:Dashboard:Enabled", "false",
        ];
    }

    /// <summary>A single silo on the embedded default storage, SQLite, in <paramref name="dataFile"/> (localhost clustering).</summary>
    public static SiloProcess Sqlite(string name, string dataFile, string clusterId) =>
        new(name, clusterId, ["--storage", "sqlite", "--data", dataFile]);

    public string Name { get; }

    public string ClusterId { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int DashboardPort { get; }

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The failure detection the tests use: a dead silo is noticed in a few seconds, not Orleans' ~20 s.</summary>
    public static string[] FastFailureDetection => ["--probe-timeout", "00:00:01", "--missed-probes", "3"];

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"silo {Name} is already running (pid {_process!.Id})");
        }

        _process?.Dispose();
        var info = new ProcessStartInfo("dotnet", _args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__WPAI"] = "Warning";
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Keep("out", e.Data);
        process.ErrorDataReceived += (_, e) => Keep("err", e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Keep("test", $"started pid {process.Id}: silo port {SiloPort}, gateway {GatewayPort}");
    }

    /// <summary>Waits until the membership table lists this silo (its port) as Active.</summary>
    public async Task WaitActiveAsync(PostgresTestDatabase database, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (!IsRunning)
            {
                Assert.Fail($"silo {Name} exited (code {_process?.ExitCode}) before it became active.\n{Output()}");
            }

            var active = await database.ActiveSilosAsync(ClusterId);
            if (active.Any(s => s.Port == SiloPort))
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"silo {Name} did not become active in the membership table within {timeout}.\n{Output()}");
    }

    /// <summary>SIGKILL to this process only: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            Keep("test", $"SIGKILL pid {p.Id}");
            p.Kill(entireProcessTree: false);
            p.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM: the host shuts the silo down gracefully; SIGKILL if it has not exited within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } p)
        {
            return;
        }

        Keep("test", $"SIGTERM pid {p.Id}");
        _ = SendSignal(p.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Keep("test", $"pid {p.Id} did not stop within {timeout}; SIGKILL");
            p.Kill(entireProcessTree: false);
            p.WaitForExit(10_000);
        }
    }

    /// <summary>The last lines the silo wrote (and what the test did to it).</summary>
    public string Output() => $"--- silo {Name} (last {KeptLines} lines) ---\n" + string.Join('\n', _lines);

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null;
    }

    private void Keep(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue($"[{DateTime.UtcNow:HH:mm:ss.fff} {stream}] {line}");
        while (_lines.Count > KeptLines && _lines.TryDequeue(out _))
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
