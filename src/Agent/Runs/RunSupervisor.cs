using System.Diagnostics;
using System.Text;
using WPAI.Agent.Hosting;
using WPAI.Agent.Measuring;
using WPAI.Domain.Common;
using WPAI.Domain.Inference;
using WPAI.Domain.Nodes;

namespace WPAI.Agent.Runs;

/// <summary>
/// Runs the node's orders as real processes and keeps the local state file. Every change happens under one lock and is
/// saved before it takes effect outside (a start is recorded before the process exists), so an agent killed at any
/// point never starts an attempt twice and never forgets one it started.
/// </summary>
public sealed partial class RunSupervisor(IOptions<AgentOptions> options, TimeProvider clock, ILogger<RunSupervisor> logger)
{
    /// <summary>
    /// The run's process-group leader: a POSIX shell started through <c>setsid</c>. setsid (rather than a P/Invoke of
    /// setpgid between fork and exec, which .NET's Process cannot do) gives the run its own session and process group,
    /// so SIGTERM/SIGKILL reach everything it started, and the agent dying does not take the run with it (a run survives
    /// an agent restart and is re-adopted). The shell sends all output to the log, ignores SIGTERM itself while the
    /// command handles it (a trap handler, not an ignore: the command gets the default disposition), waits for the
    /// command and writes its exit status to a file, so even an agent that was away learns how the run ended. A status
    /// above 128 is read as death by signal status − 128, as shells report it.
    /// </summary>
    private const string Wrapper = """
        exec </dev/null >>"$WPAI_LOG_FILE" 2>&1
        trap : TERM INT HUP
        "$@" &
        c=$!
        while :; do wait "$c"; s=$?; kill -0 "$c" 2>/dev/null || break; done
        echo "$s" > "$WPAI_EXIT_FILE.tmp" && mv "$WPAI_EXIT_FILE.tmp" "$WPAI_EXIT_FILE"
        exit "$s"
        """;

    private const int MaxPendingSamples = 30;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Process> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double CpuSeconds, DateTimeOffset At)> _lastCpu = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<UsageSample>> _samples = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UsageSample> _latest = new(StringComparer.Ordinal);
    private AgentStateFile? _file;
    private AgentStateFile.Content _state = new();
    private AgentWork? _work;

    private AgentOptions O => options.Value;

    /// <summary>
    /// Loads the state file after a (re)start: a recorded run whose process still lives (same pid and start time) is
    /// re-adopted; one that ended while the agent was away is reported with its exit status when its wrapper recorded
    /// one, as lost otherwise; one recorded but never started is reported as lost.
    /// </summary>
    public void Load()
    {
        lock (_gate)
        {
            Directory.CreateDirectory(O.EffectiveStateDirectory);
            _file = new AgentStateFile(O.EffectiveStateDirectory);
            _state = _file.Load();
            var now = clock.GetUtcNow();
            foreach (var run in _state.Runs.Where(r => r.End is null))
            {
                if (run.Pid is not { } pid || run.StartTicks is not { } ticks)
                {
                    run.End = new RunEnd(run.JobId, run.Attempt, null, null, run.StopReason is not null, Lost: true, "the node agent stopped before the process started", now);
                }
                else if (ProcessTable.IsAlive(pid, ticks))
                {
                    LogReadopted(logger, run.JobId, run.Attempt, pid);
                }
                else
                {
                    run.End = EndFromExitFile(run, now, away: true);
                }
            }

            Save();
        }
    }

    /// <summary>Takes the newest desired-run list: starts what is new, stops what is ordered stopped or no longer ordered.</summary>
    public void Reconcile(AgentWork work)
    {
        lock (_gate)
        {
            _work = work;
            ReconcileLocked();
        }
    }

    /// <summary>Notices ended processes, enforces grace periods, and retries starts that waited for GPUs to free up.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var changed = false;
            foreach (var run in _state.Runs.Where(r => r.End is null && r.Pid is not null))
            {
                if (!IsAlive(run))
                {
                    run.End = EndOf(run, now);
                    _children.Remove(run.Key, out var child);
                    child?.Dispose();
                    LogEnded(logger, run.JobId, run.Attempt, run.End.Detail);
                    changed = true;
                }
                else if (run.TermSentAt is { } term && !run.KillSent && now - term >= TimeSpan.FromSeconds(run.GraceSeconds))
                {
                    Posix.SignalGroup(run.Pid!.Value, Posix.SigKill);
                    run.KillSent = true;
                    LogKilled(logger, run.JobId, run.Attempt, run.GraceSeconds);
                    changed = true;
                }
            }

            if (changed)
            {
                Save();
            }

            if (_work is not null)
            {
                ReconcileLocked();
            }
        }
    }

    /// <summary>Samples every live run: CPU (millicores over the interval) and resident memory of its process group, and its GPUs.</summary>
    public void Sample(IReadOnlyList<GpuReading>? gpus, IReadOnlyDictionary<int, long> gpuMemoryMib)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            foreach (var run in _state.Runs.Where(r => r.End is null && r.Pid is not null))
            {
                var (cpu, rss) = ProcessTable.Group(run.Pid!.Value);
                if (_lastCpu.TryGetValue(run.Key, out var last) && now > last.At)
                {
                    var milli = Math.Max(0, (cpu - last.CpuSeconds) / (now - last.At).TotalSeconds * 1000);
                    var (utilization, memory) = GpuUse(run.GpuIndices, gpus, gpuMemoryMib);
                    var list = _samples.TryGetValue(run.Key, out var l) ? l : _samples[run.Key] = [];
                    BoundedList.AddNewestLast(list, _latest[run.Key] = new UsageSample(now, utilization, memory, milli, rss), MaxPendingSamples);
                }

                _lastCpu[run.Key] = (cpu, now);
            }
        }
    }

    /// <summary>What to tell the silo now: starts and ends not yet acknowledged, and usage samples.</summary>
    public AgentReport TakeReport(string agentId)
    {
        lock (_gate)
        {
            var started = _state.Runs.Where(r => !r.StartReported && r.Pid is not null)
                .Select(r => new RunStarted(r.JobId, r.Attempt, r.Pid!.Value, [.. r.GpuIndices], r.RunDirectory, r.LogFile, r.StartedAt, r.Url));
            var ended = _state.Runs.Where(r => r.End is not null).Select(r => r.End!);
            var usage = _samples.Where(s => s.Value.Count > 0).Select(s =>
            {
                var run = _state.Runs.First(r => r.Key == s.Key);
                return new RunUsageReport(run.JobId, run.Attempt, [.. s.Value]);
            });
            return new AgentReport(agentId, [.. started], [.. ended], [.. usage]);
        }
    }

    /// <summary>The silo took <paramref name="report"/>: starts are marked told, ended runs leave the state file.</summary>
    public void Acknowledge(AgentReport report)
    {
        lock (_gate)
        {
            foreach (var s in report.Started)
            {
                if (Find(s.JobId, s.Attempt) is { } run)
                {
                    run.StartReported = true;
                }
            }

            foreach (var u in report.Usage)
            {
                if (_samples.TryGetValue(LocalRun.RunKey(u.JobId, u.Attempt), out var list))
                {
                    list.RemoveRange(0, Math.Min(u.Samples.Length, list.Count));
                }
            }

            foreach (var e in report.Ended)
            {
                var key = LocalRun.RunKey(e.JobId, e.Attempt);
                _state.Runs.RemoveAll(r => r.Key == key);
                _samples.Remove(key);
                _latest.Remove(key);
                _lastCpu.Remove(key);
                if (!_state.Finished.Contains(key))
                {
                    _state.Finished.Add(key);
                }
            }

            Save();
        }
    }

    /// <summary>The model-server replicas running now (not stopping), with their latest measured usage.</summary>
    public IReadOnlyList<LiveReplica> LiveReplicas()
    {
        lock (_gate)
        {
            return [.. _state.Runs.Where(r => r.End is null && r.Pid is not null && r.StopReason is null && r.Url is not null)
                .Select(r => new LiveReplica(r.JobId, r.Attempt, r.Url!, r.LoadFile!, r.LogFile, r.StartedAt, _latest.GetValueOrDefault(r.Key), r.WasReady))];
        }
    }

    /// <summary>A replica answered ready: from now on only its process ending (or an order) stops it.</summary>
    public void MarkReady(string jobId, int attempt)
    {
        lock (_gate)
        {
            if (Find(jobId, attempt) is { WasReady: false } run)
            {
                run.WasReady = true;
                Save();
            }
        }
    }

    /// <summary>Stops a replica the agent gave up on (it never became ready), saying why; the reason ends up in its end's detail.</summary>
    public void StopReplica(string jobId, int attempt, string reason)
    {
        lock (_gate)
        {
            if (Find(jobId, attempt) is { End: null, StopReason: null } run)
            {
                BeginStop(run, reason, clock.GetUtcNow());
                Save();
            }
        }
    }

    /// <summary>Reads a run's log from <paramref name="offset"/> (at most <paramref name="maxBytes"/>, cut after the last full line).</summary>
    public LogChunk ReadLog(string jobId, int attempt, long offset, int maxBytes)
    {
        var path = Path.Combine(RunDirectory(jobId, attempt), "output.log");
        bool ended;
        lock (_gate)
        {
            ended = Find(jobId, attempt) is not { End: null, Pid: not null };
        }

        if (!File.Exists(path))
        {
            throw new WpaiNotFoundException($"no log of {jobId} attempt {attempt} on node {O.Node} (it never started here, or its directory was removed)");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Clamp(offset, 0, stream.Length);
        stream.Position = start;
        var buffer = new byte[(int)Math.Min(Math.Clamp(maxBytes, 1, 1 << 20), stream.Length - start)];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var length = read;
        if (read == buffer.Length && start + read < stream.Length && Array.LastIndexOf(buffer, (byte)'\n', read - 1) is var nl and >= 0)
        {
            length = nl + 1; // a full chunk: stop after its last full line, so no character is split
        }

        var atEnd = start + length >= stream.Length;
        return new LogChunk(Encoding.UTF8.GetString(buffer, 0, length), start, start + length, ended && atEnd);
    }

    public string RunDirectory(string jobId, int attempt) => Path.Combine(JobDirectory(jobId), $"attempt-{attempt}");

    private string JobDirectory(string jobId) => Path.Combine(O.EffectiveStateDirectory, "jobs", Uri.EscapeDataString(jobId));

    private void ReconcileLocked()
    {
        var work = _work!;
        var now = clock.GetUtcNow();
        var ordered = work.Runs.ToDictionary(o => LocalRun.RunKey(o.JobId, o.Attempt), StringComparer.Ordinal);
        var changed = false;
        foreach (var (key, order) in ordered)
        {
            var run = _state.Runs.FirstOrDefault(r => r.Key == key);
            if (run is null)
            {
                if (_state.Finished.Contains(key))
                {
                    continue; // ended and acknowledged; the silo's list has not caught up yet
                }

                if (order.Stop)
                {
                    _state.Runs.Add(new LocalRun { JobId = order.JobId, Attempt = order.Attempt, End = new RunEnd(order.JobId, order.Attempt, null, null, Stopped: true, Lost: false, $"stopped before it started ({order.StopReason})", now) });
                    changed = true;
                }
                else if (GpusFree(order))
                {
                    Start(order, now);
                    changed = true;
                }

                continue;
            }

            if (order.Stop && run.End is null && run.StopReason is null)
            {
                BeginStop(run, order.StopReason!, now);
                changed = true;
            }
        }

        foreach (var run in _state.Runs.Where(r => r.End is null && r.StopReason is null && !ordered.ContainsKey(r.Key)).ToList())
        {
            BeginStop(run, "no longer ordered by the silo", now);
            changed = true;
        }

        if (changed)
        {
            Save();
        }
    }

    /// <summary>A start waits while a stopping run still holds any of its GPUs (a preempted run in its grace period).</summary>
    private bool GpusFree(RunOrder order) =>
        !_state.Runs.Any(r => r.End is null && r.GpuIndices.Intersect(order.GpuIndices).Any());

    private void Start(RunOrder order, DateTimeOffset now)
    {
        var spec = order.Spec;
        var runDir = RunDirectory(order.JobId, order.Attempt);
        var run = new LocalRun
        {
            JobId = order.JobId,
            Attempt = order.Attempt,
            GpuIndices = [.. order.GpuIndices],
            RunDirectory = runDir,
            LogFile = Path.Combine(runDir, "output.log"),
            ExitFile = Path.Combine(runDir, "exit-status"),
            StartedAt = now,
            GraceSeconds = (spec.GracePeriod ?? O.Grace).TotalSeconds,
        };

        // Recorded first: if the agent dies before the process exists, the restart reports the attempt lost, never runs it.
        _state.Runs.Add(run);
        Save();
        if (!spec.HasCommand)
        {
            run.End = new RunEnd(run.JobId, run.Attempt, null, null, false, false, "the job names no command (submit it with -- COMMAND …)", now);
            return;
        }

        var command = spec.Command;
        if (ReplicaRun.IsModelServer(command))
        {
            // A replica: this node's model server on a free port, writing its load where the prober reads it.
            var port = FreePort(O.ReplicaHost);
            run.Url = $"http://{(O.ReplicaHost.Contains(':', StringComparison.Ordinal) ? $"[{O.ReplicaHost}]" : O.ReplicaHost)}:{port}";
            run.LoadFile = Path.Combine(runDir, "load.json");
            command = [.. O.ModelServerCommand, .. command.Skip(1), "--urls", run.Url, "--load-report-file", run.LoadFile,
                "--load-report-interval", O.ReplicaLoadInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture)];
            Save();
        }

        try
        {
            var checkpoint = Path.Combine(JobDirectory(order.JobId), "checkpoint");
            var work = spec.WorkingDirectory ?? Path.Combine(runDir, "work");
            Directory.CreateDirectory(checkpoint);
            Directory.CreateDirectory(runDir);
            if (spec.WorkingDirectory is null)
            {
                Directory.CreateDirectory(work);
            }

            var start = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = work };
            foreach (var arg in (string[])["sh", "-c", Wrapper, "wpai-run", .. command])
            {
                start.ArgumentList.Add(arg);
            }

            foreach (var (name, value) in spec.Environment ?? ImmutableDictionary<string, string>.Empty)
            {
                start.Environment[name] = value;
            }

            var devices = GpuAssignment.Format(order.GpuIndices);
            start.Environment["CUDA_VISIBLE_DEVICES"] = devices;
            start.Environment["NVIDIA_VISIBLE_DEVICES"] = devices.Length == 0 ? "void" : devices;
            start.Environment["WPAI_JOB_ID"] = order.JobId;
            start.Environment["WPAI_ATTEMPT"] = order.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["WPAI_GPUS"] = devices;
            start.Environment["WPAI_CHECKPOINT_DIR"] = checkpoint;
            start.Environment["WPAI_RUN_DIR"] = runDir;
            start.Environment["WPAI_LOG_FILE"] = run.LogFile;
            start.Environment["WPAI_EXIT_FILE"] = run.ExitFile;
            var process = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start");
            run.Pid = process.Id;
            run.StartTicks = ProcessTable.Read(process.Id)?.StartTicks ?? 0;
            _children[run.Key] = process;
            Save(); // the pid at once: a restart re-adopts the run instead of reporting it lost
            LogStarted(logger, run.JobId, run.Attempt, process.Id, devices);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            run.End = new RunEnd(run.JobId, run.Attempt, null, null, false, false, $"could not start: {ex.Message}", now);
        }
    }

    private void BeginStop(LocalRun run, string reason, DateTimeOffset now)
    {
        run.StopReason = reason;
        if (run.Pid is { } pid)
        {
            Posix.SignalGroup(pid, Posix.SigTerm);
            run.TermSentAt = now;
            LogStopping(logger, run.JobId, run.Attempt, reason, run.GraceSeconds);
        }
        else
        {
            run.End ??= new RunEnd(run.JobId, run.Attempt, null, null, true, false, $"stopped before it started ({reason})", now);
        }
    }

    private bool IsAlive(LocalRun run) =>
        _children.TryGetValue(run.Key, out var child) ? !child.HasExited : ProcessTable.IsAlive(run.Pid!.Value, run.StartTicks ?? 0);

    private RunEnd EndOf(LocalRun run, DateTimeOffset now)
    {
        if (File.Exists(run.ExitFile) || !_children.TryGetValue(run.Key, out var child))
        {
            return EndFromExitFile(run, now, away: false);
        }

        return Decode(run, child.ExitCode, now);
    }

    /// <summary>The end the wrapper recorded; when it recorded none, SIGKILL if the agent sent it, else lost.</summary>
    private static RunEnd EndFromExitFile(LocalRun run, DateTimeOffset now, bool away)
    {
        if (File.Exists(run.ExitFile) && int.TryParse(File.ReadAllText(run.ExitFile).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var status))
        {
            var end = Decode(run, status, now);
            return away ? end with { Detail = end.Detail + " (ended while the node agent was away)" } : end;
        }

        if (run.KillSent)
        {
            return Decode(run, 128 + Posix.SigKill, now);
        }

        return new RunEnd(run.JobId, run.Attempt, null, null, run.StopReason is not null, Lost: true, "the process ended while the node agent was away; its exit status is unknown", now);
    }

    private static RunEnd Decode(LocalRun run, int status, DateTimeOffset now)
    {
        var stopped = run.StopReason is not null;
        if (status is > 128 and < 128 + 65)
        {
            var signal = Posix.SignalName(status - 128);
            var detail = run.KillSent ? $"killed by {signal} after the {run.GraceSeconds:0.#}s grace period" : $"killed by {signal}";
            return new RunEnd(run.JobId, run.Attempt, status, signal, stopped, false, stopped ? $"{detail} ({run.StopReason})" : detail, now);
        }

        var words = $"exit code {status}";
        return new RunEnd(run.JobId, run.Attempt, status, null, stopped, false, stopped ? $"{words} after SIGTERM ({run.StopReason})" : words, now);
    }

    private static (double Utilization, double MemoryFraction) GpuUse(int[] indices, IReadOnlyList<GpuReading>? gpus, IReadOnlyDictionary<int, long> totals)
    {
        if (gpus is null || indices.Length == 0)
        {
            return (double.NaN, 0);
        }

        var mine = gpus.Where(g => indices.Contains(g.Index)).ToList();
        if (mine.Count == 0)
        {
            return (double.NaN, 0);
        }

        var memory = mine.Max(g => totals.TryGetValue(g.Index, out var total) && total > 0 ? g.MemoryUsedMib / (double)total : 0);
        return (mine.Average(g => g.Utilization), memory);
    }

    /// <summary>A port the OS reports free now (the model server binds it a moment later; a clash fails its start, and the replica is replaced).</summary>
    private static int FreePort(string host)
    {
        var address = System.Net.IPAddress.TryParse(host, out var ip) ? ip : System.Net.IPAddress.Loopback;
        var listener = new System.Net.Sockets.TcpListener(address, 0);
        listener.Start();
        try
        {
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private LocalRun? Find(string jobId, int attempt) => _state.Runs.FirstOrDefault(r => r.JobId == jobId && r.Attempt == attempt);

    private void Save() => _file!.Save(_state);
}
