using System.Diagnostics;
using System.Globalization;
using WPAI.Client;

namespace WPAI.Agent.Tests;

/// <summary>
/// One silo process (in-memory storage, <c>--driver agent</c>, a 3 s heartbeat timeout) and two node agent processes
/// (<c>n1</c>, <c>n2</c>: 2 GPUs each, declared with --gpus, pool <c>TA</c>), shared by the tests of the collection.
/// Short intervals come from options; the tests wait on conditions with bounded polls.
/// </summary>
public class AgentCluster : IAsyncLifetime
{
    public const string Pool = "TA";
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, TestProcess> _agents = new(StringComparer.Ordinal);
    private TestProcess? _silo;
    private WpaiConnection? _connection;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "wpai-agent-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public int GatewayPort { get; private set; }

    public IWpaiClient Client => _connection!.Client;

    public IGrainFactory Grains => _connection!.ClusterClient;

    public IReadOnlyCollection<string> Nodes => _agents.Keys;

    public virtual async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var ports = FreePorts.Take(3);
        GatewayPort = ports[1];
        _silo = new TestProcess("silo", TestProcess.SiloDll,
        [
            "--storage", "memory",
            "--driver", "agent",
            "--heartbeat-timeout", "00:00:03",
            "--Wpai:Agent:CheckPeriod", "00:00:00.500",
            "--silo-port", ports[0].ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ports[1].ToString(CultureInfo.InvariantCulture),
            "--dashboard-port", ports[2].ToString(CultureInfo.InvariantCulture),
            "--Wpai:Dashboard:Enabled", "false",
            "--cluster-id", "agent-tests",
            .. SiloArguments(),
        ]);
        _silo.Start();
        // A loaded machine may take a while to start a silo: connect patiently, and say what the silo printed if it never answers.
        var options = new WpaiClientOptions { ClusterId = "agent-tests", ConnectRetries = 1000, ConnectTimeout = StartTimeout };
        options.Gateways.Add($"127.0.0.1:{GatewayPort}");
        try
        {
            _connection = await WpaiConnection.ConnectAsync(options);
        }
        catch (WpaiConnectionException ex)
        {
            Assert.Fail($"{ex.Message}\n{_silo.Output()}");
        }
        foreach (var node in new[] { "n1", "n2" })
        {
            StartAgent(node, Pool, gpus: 2);
        }

        await WaitNodesAsync(Pool, 2);
    }

    /// <summary>The mode the agents register their nodes in.</summary>
    protected virtual NodeMode AgentMode => NodeMode.Fixed;

    /// <summary>Switches added to the silo's command line.</summary>
    protected virtual IEnumerable<string> SiloArguments() => [];

    /// <summary>Switches added to each agent's command line.</summary>
    protected virtual IEnumerable<string> AgentArguments(string node) => [];

    public TestProcess StartAgent(string node, string pool, int? gpus, IReadOnlyDictionary<string, string>? environment = null, string? nvidiaSmi = null)
    {
        if (!_agents.TryGetValue(node, out var agent))
        {
            string[] args =
            [
                "--node", node,
                "--pool", pool,
                "--gateway", $"127.0.0.1:{GatewayPort}",
                "--cluster-id", "agent-tests",
                "--cpu-milli", "8000",
                "--memory-mib", "16384",
                "--state-dir", StateDirectory(node),
                "--sample-interval", "00:00:00.500",
                "--heartbeat", "00:00:00.500",
                "--poll-wait", "00:00:05",
                "--nvidia-smi", nvidiaSmi ?? "wpai-test-no-nvidia-smi",
                "--mode", AgentMode.ToString(),
                .. gpus is { } g ? (string[])["--gpus", g.ToString(CultureInfo.InvariantCulture)] : [],
                .. AgentArguments(node),
            ];
            agent = new TestProcess($"agent {node}", TestProcess.AgentDll, args, environment);
            _agents[node] = agent;
        }

        agent.Start();
        return agent;
    }

    public TestProcess Agent(string node) => _agents[node];

    public string StateDirectory(string node) => Path.Combine(Directory, node);

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds (bounded); fails with what it last saw and the processes' output.</summary>
    public async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        T last = await read();
        while (!done(last))
        {
            if (clock.Elapsed > (timeout ?? StartTimeout))
            {
                Assert.Fail($"timed out waiting for {what}; last seen: {Describe(last)}\n{Output()}");
            }

            await Task.Delay(200);
            last = await read();
        }

        return last;
    }

    public Task<JobView> WaitJobAsync(string jobId, Func<JobView, bool> done, string what, TimeSpan? timeout = null) =>
        WaitForAsync(() => Client.GetJobAsync(jobId), done, $"job {jobId}: {what}", timeout);

    public async Task WaitNodesAsync(string pool, int count) =>
        await WaitForAsync(
            async () => (await Client.ListNodesAsync(pool)).Count(n => n.Mode == AgentMode),
            n => n == count,
            $"{count} nodes of pool {pool} registered by their agents");

    public string Output() =>
        string.Join('\n', new[] { _silo?.Output() ?? string.Empty }.Concat(_agents.Values.Select(a => a.Output())));

    public virtual async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        foreach (var agent in _agents.Values)
        {
            agent.Dispose();
        }

        _silo?.Dispose();
        KillLeftoverRuns();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a run still writing; the temp directory is left behind
        }
    }

    /// <summary>Runs outlive a killed agent by design; the tests' own runs are ended here through the agents' state files.</summary>
    private void KillLeftoverRuns()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "agent-state.json", SearchOption.AllDirectories))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Contains("\"Pid\":", StringComparison.Ordinal)))
            {
                if (int.TryParse(line.Split(':')[1].Trim().TrimEnd(','), CultureInfo.InvariantCulture, out var pid) && pid > 1)
                {
                    _ = WPAI.Agent.Measuring.Posix.SignalGroup(pid, WPAI.Agent.Measuring.Posix.SigKill);
                }
            }
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        JobView job => $"{job.Status} attempt {job.Attempts}: {job.Explanation}; runs: {string.Join(" | ", (job.Runs.IsDefault ? [] : job.Runs).Select(r => $"#{r.Attempt} {r.Node} [{string.Join(',', r.GpuIndices)}] {r.End}"))}; history: {string.Join(" | ", job.History.Select(h => $"{h.Kind}: {h.Detail}"))}",
        _ => value?.ToString() ?? "null",
    };
}
