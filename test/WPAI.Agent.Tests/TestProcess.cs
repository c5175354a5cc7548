using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace WPAI.Agent.Tests;

/// <summary>
/// A silo or node agent as its own OS process (<c>dotnet …/WPAI.Silo.dll</c>, <c>dotnet …/WPAI.Agent.dll</c>), its last
/// output lines kept for failure messages. Killed by its own PID, never by name.
/// </summary>
public sealed class TestProcess(string name, string dll, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null) : IDisposable
{
    private const int KeptLines = 400;
    private readonly ConcurrentQueue<string> _lines = new();
    private Process? _process;

    public string Name { get; } = name;

    public int Pid => _process?.Id ?? 0;

    public bool IsRunning => _process is { HasExited: false };

    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        typeof(TestProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string SiloDll => Built("src/Silo", "WPAI.Silo.dll");

    public static string AgentDll => Built("src/Agent", "WPAI.Agent.dll");

    public static string InferenceDll => Built("src/Inference", "WPAI.Inference.dll");

    public void Start()
    {
        _process?.Dispose();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["Logging__LogLevel__Orleans"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Keep("out", e.Data);
        process.ErrorDataReceived += (_, e) => Keep("err", e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Keep("test", $"started pid {process.Id}");
    }

    /// <summary>SIGKILL to this process only (its runs, in their own sessions, live on).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            Keep("test", $"SIGKILL pid {p.Id}");
            p.Kill(entireProcessTree: false);
            p.WaitForExit(10_000);
        }
    }

    public string Output() => $"--- {Name} (last {KeptLines} lines) ---\n" + string.Join('\n', _lines);

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

    private static string Built(string project, string dll)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", dll);
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing. Build it with `dotnet build {project} -c {Configuration}` (./test.sh builds everything).");
        }

        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WPAI.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"WPAI.sln not found above {AppContext.BaseDirectory}");
    }
}
