namespace WPAI.Kubernetes;

/// <summary>
/// Options of the Kubernetes driver (<c>--driver kubernetes</c>): how to reach the API server, which namespace WPAI's
/// pods live in, and how Kubernetes nodes become WPAI nodes. Every option is declared here once, with its validation.
/// </summary>
public sealed class KubernetesDriverOptions
{
    public const string SectionName = "Wpai:Kubernetes";

    /// <summary>A kubeconfig file; unset: the in-cluster service account when running in a pod, else the default kubeconfig.</summary>
    public string? KubeConfig { get; set; }

    /// <summary>The kubeconfig context to use (unset: the file's current context).</summary>
    public string? Context { get; set; }

    /// <summary>The namespace WPAI creates its pods and services in.</summary>
    public string Namespace { get; set; } = "wpai";

    /// <summary>The node label whose value is the WPAI pool (the GPU model).</summary>
    public string PoolLabel { get; set; } = "nvidia.com/gpu.product";

    /// <summary>The label read when <see cref="PoolLabel"/> is absent; nodes with neither and no GPUs join the <c>cpu</c> pool.</summary>
    public string FallbackPoolLabel { get; set; } = KubernetesNames.PoolLabel;

    /// <summary>A label selector limiting the nodes WPAI manages (unset: every node).</summary>
    public string? NodeSelector { get; set; }

    /// <summary>The mode of a node WPAI sees for the first time (no <c>wpai.io/mode</c> label yet).</summary>
    public NodeMode InitialMode { get; set; } = NodeMode.Fixed;

    /// <summary>Distinguishes this WPAI installation's pods (annotation <c>wpai.io/owner</c>) from another's in the same namespace.</summary>
    public string Owner { get; set; } = "wpai";

    /// <summary>The image of a job that names none.</summary>
    public string? DefaultImage { get; set; }

    /// <summary>The grace period of a pod deletion when the job names none.</summary>
    public TimeSpan DefaultGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A full re-list of nodes and pods this often, even when the watches are healthy.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The server closes each watch after this long (<c>timeoutSeconds</c>); the driver watches again from where it was.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>How often WPAI's node modes are mirrored to the nodes' label and taint.</summary>
    public TimeSpan ModeSyncInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The wait before a failed list or watch is tried again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The model server's image for inference replicas; unset: replicas are not run as pods.</summary>
    public string? ModelServerImage { get; set; }

    /// <summary>The model server's arguments (e.g. <c>--models /models</c>).</summary>
    public List<string> ModelServerArgs { get; set; } = [];

    /// <summary>The model server's HTTP port: the Service's port, the readiness probe's and the one <c>/metrics</c> is scraped on.</summary>
    public int ModelServerPort { get; set; } = 8000;

    /// <summary>How often replica pods and Services are reconciled with WPAI's services and their replicas' load scraped.</summary>
    public TimeSpan ReplicaSyncInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often running job pods' usage is read (metrics API, DCGM exporters) and reported to their jobs.</summary>
    public TimeSpan UsageInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The Prometheus endpoints of the NVIDIA DCGM exporters to read GPU utilization from (one per GPU node, e.g.
    /// <c>http://10.0.3.7:9400/metrics</c>); empty: no GPU utilization from the cluster.
    /// </summary>
    public List<string> DcgmExporterUrls { get; set; } = [];

    /// <summary>
    /// How long a job pod may fail to start (image pull errors, a missing Secret or ConfigMap, unschedulable, or simply
    /// not running yet) before WPAI deletes it and ends the attempt, so that it does not hold its GPUs forever.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many times in a row a job is re-queued because its pod could not start for the node's reasons (unschedulable,
    /// refused by the kubelet, never started) before it fails instead; counted while the silo runs.
    /// </summary>
    public int MaxStartRequeues { get; set; } = 3;

    public void Validate()
    {
        if (!KubernetesNames.IsDnsLabel(Namespace))
        {
            throw new WpaiValidationException($"{SectionName}:Namespace", $"'{Namespace}' is not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63)", "Use e.g. --kube-namespace wpai.");
        }

        if (string.IsNullOrWhiteSpace(PoolLabel) || string.IsNullOrWhiteSpace(FallbackPoolLabel))
        {
            throw new WpaiValidationException($"{SectionName}:PoolLabel", "the pool labels must not be empty", "Use nvidia.com/gpu.product (the default) and wpai.io/pool.");
        }

        if (InitialMode is NodeMode.Unnormal or NodeMode.Down)
        {
            throw new WpaiValidationException($"{SectionName}:InitialMode", $"a node cannot start as {InitialMode}", "Use Fixed, OnlineNormal or OfflineNormal.");
        }

        if (!KubernetesNames.IsLabelValue(Owner) || Owner.Length == 0)
        {
            throw new WpaiValidationException($"{SectionName}:Owner", $"'{Owner}' is not a valid label value", "Use letters, digits, '-', '_' or '.', at most 63.");
        }

        Positive(DefaultGracePeriod, nameof(DefaultGracePeriod), allowZero: true);
        Positive(ResyncInterval, nameof(ResyncInterval));
        Positive(WatchTimeout, nameof(WatchTimeout));
        Positive(ModeSyncInterval, nameof(ModeSyncInterval));
        Positive(RetryDelay, nameof(RetryDelay));
        Positive(ReplicaSyncInterval, nameof(ReplicaSyncInterval));
        Positive(UsageInterval, nameof(UsageInterval));
        Positive(StartTimeout, nameof(StartTimeout));
        if (MaxStartRequeues < 0)
        {
            throw new WpaiValidationException($"{SectionName}:MaxStartRequeues", $"must be zero or more (got {MaxStartRequeues})", "Use 3 (the default); 0 fails a job at its first node-side start failure.");
        }

        foreach (var url in DcgmExporterUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new WpaiValidationException($"{SectionName}:DcgmExporterUrls", $"'{url}' is not an http(s) URL", "Give each DCGM exporter's metrics endpoint, e.g. http://10.0.3.7:9400/metrics.");
            }
        }
        if (ModelServerPort is < 1 or > 65535)
        {
            throw new WpaiValidationException($"{SectionName}:ModelServerPort", $"must be a TCP port (got {ModelServerPort})", "Use 8000 (the default).");
        }

        if (KubeConfig is { } path && !File.Exists(path))
        {
            throw new WpaiValidationException($"{SectionName}:KubeConfig", $"the kubeconfig file '{path}' does not exist", "Point --kubeconfig at an existing file, or leave it unset inside a cluster.");
        }
    }

    private static void Positive(TimeSpan value, string name, bool allowZero = false)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            throw new WpaiValidationException($"{SectionName}:{name}", $"must be {(allowZero ? "zero or more" : "positive")} (got {value})", "Give a duration such as 00:00:30.");
        }
    }
}
