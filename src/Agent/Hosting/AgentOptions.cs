namespace WPAI.Agent.Hosting;

/// <summary>The node agent's options (command line <c>--node</c> …, configuration section <c>Agent</c>).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>The node's name (its grain key).</summary>
    public string Node { get; set; } = string.Empty;

    /// <summary>The node's pool: its GPU model, or <c>cpu</c>.</summary>
    public string Pool { get; set; } = string.Empty;

    /// <summary>Silo gateways, <c>host:port</c>, comma-separated for several.</summary>
    public string Gateway { get; set; } = string.Empty;

    public string? ClusterId { get; set; }

    /// <summary>GPUs to declare where there is no driver (tests, CPU machines); default: what nvidia-smi lists, else 0.</summary>
    public int? Gpus { get; set; }

    /// <summary>CPU to declare in millicores; default: the machine's cores × 1000.</summary>
    public int? CpuMilli { get; set; }

    /// <summary>Memory to declare in MiB; default: MemTotal of /proc/meminfo.</summary>
    public long? MemoryMib { get; set; }

    /// <summary>The mode the node registers in (training runs on Fixed and OfflineNormal nodes).</summary>
    public NodeMode Mode { get; set; } = NodeMode.Fixed;

    /// <summary>Where run directories, logs, checkpoints and the agent's state file live. Default: ./wpai-agent/NODE.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>SIGTERM → SIGKILL grace of a run whose job names none.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each run's CPU, memory and GPUs are sampled.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the agent reports (heartbeat, starts, ends, usage).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest one poll for new orders waits.</summary>
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The nvidia-smi program (a name on PATH or a path).</summary>
    public string NvidiaSmi { get; set; } = "nvidia-smi";

    /// <summary>
    /// The model-server program that replicas run, as a command line (<c>--model-server "dotnet /opt/wpai/WPAI.Inference.dll"</c>);
    /// default: WPAI.Inference.dll beside this program, run with dotnet.
    /// </summary>
    public string? ModelServer { get; set; }

    /// <summary>The address replicas listen on and the gateway reaches them at (default 127.0.0.1).</summary>
    public string ReplicaHost { get; set; } = "127.0.0.1";

    /// <summary>
    /// The API key every replica's model server requires (<c>--replica-api-key</c>, or <c>Agent__ReplicaApiKey</c> in the
    /// environment to keep it off the command line); the silo's gateway sends it (<c>Wpai:Gateway:ReplicaApiKey</c>).
    /// Required when <see cref="ReplicaHost"/> is not a loopback address.
    /// </summary>
    public string? ReplicaApiKey { get; set; }

    /// <summary>A replica whose model server does not answer ready within this time is stopped and reported with its log tail.</summary>
    public TimeSpan ReplicaReadyTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often each replica's model server writes its load (QPS, latency percentiles, errors).</summary>
    public TimeSpan ReplicaLoadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The model-server command split into words (<see cref="ModelServer"/> or the default).</summary>
    public IReadOnlyList<string> ModelServerCommand =>
        ModelServer is { Length: > 0 } command
            ? command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : ["dotnet", Path.Combine(AppContext.BaseDirectory, "WPAI.Inference.dll")];

    public string EffectiveStateDirectory => Path.GetFullPath(StateDirectory ?? Path.Combine("wpai-agent", Node));

    public void Validate()
    {
        WPAI.Domain.Validation.Validate.Id(Node, "--node");
        WPAI.Domain.Validation.Validate.Pool(Pool, "--pool");
        if (string.IsNullOrWhiteSpace(Gateway))
        {
            throw new WpaiValidationException("--gateway", "is required", "Name a silo gateway, e.g. --gateway 127.0.0.1:30000.");
        }

        if (Gpus is < 0 or > 1024)
        {
            throw new WpaiValidationException("--gpus", $"must be between 0 and 1024 (got {Gpus})", "Declare the node's GPUs, e.g. --gpus 4.");
        }

        if (CpuMilli is <= 0 || MemoryMib is <= 0)
        {
            throw new WpaiValidationException("--cpu/--memory", "must be positive", "Leave them out to use the machine's.");
        }

        if (Mode is NodeMode.Unnormal or NodeMode.Down)
        {
            throw new WpaiValidationException("--mode", $"a node agent cannot register its node as {Mode}", "Use Fixed (default), OfflineNormal or OnlineNormal.");
        }

        Positive(Grace, "--grace", "30s");
        Positive(SampleInterval, "--sample-interval", "5s");
        Positive(HeartbeatInterval, "--heartbeat", "2s");
        Positive(PollWait, "--poll-wait", "15s");
        Positive(ReplicaReadyTimeout, "--replica-ready-timeout", "2m");
        Positive(ReplicaLoadInterval, "--replica-load-interval", "5s");
        if (string.IsNullOrWhiteSpace(ReplicaHost) || ReplicaHost.Contains('/', StringComparison.Ordinal))
        {
            throw new WpaiValidationException("--replica-host", $"'{ReplicaHost}' is not a host name or address", "Give the address the gateway reaches this node's replicas at, e.g. --replica-host 127.0.0.1.");
        }

        var loopback = ReplicaHost == "localhost" || (System.Net.IPAddress.TryParse(ReplicaHost.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
        if (!loopback && string.IsNullOrEmpty(ReplicaApiKey))
        {
            throw new WpaiValidationException("--replica-host", $"'{ReplicaHost}' is reachable from other machines, and replicas without an API key would serve anyone who reaches it", "Give --replica-api-key KEY (or Agent__ReplicaApiKey in the environment) and the same key to the silo as Wpai:Gateway:ReplicaApiKey.");
        }
    }

    private static void Positive(TimeSpan value, string option, string example)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new WpaiValidationException(option, $"must be positive (got {value})", $"Write e.g. {example}.");
        }
    }
}
