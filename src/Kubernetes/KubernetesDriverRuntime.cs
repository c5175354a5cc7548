using Orleans.Runtime;

namespace WPAI.Kubernetes;

/// <summary>
/// Runs the driver's background loops while the silo is active: the node list-watch (node sync), the pod list-watch
/// (job events), the delivery of pod outcomes to jobs, the periodic mirroring of node modes, the usage sampling of
/// running job pods, and the check for pods that did not start in time.
/// </summary>
public sealed partial class KubernetesDriverRuntime(
    IKubernetes client,
    KubernetesNodeSync nodes,
    KubernetesClusterDriver driver,
    KubernetesReplicaSync replicas,
    KubernetesUsageSampler usage,
    IOptions<KubernetesDriverOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger = loggers.CreateLogger<KubernetesDriverRuntime>();
    private Task _loops = Task.CompletedTask;
    private int _disposed;

    /// <summary>The node list-watch (for tests and diagnostics).</summary>
    public ListWatch<V1Node>? NodeWatch { get; private set; }

    /// <summary>The pod list-watch (for tests and diagnostics).</summary>
    public ListWatch<V1Pod>? PodWatch { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(KubernetesDriverRuntime), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var timeout = (int)Math.Ceiling(o.WatchTimeout.TotalSeconds);
        NodeWatch = new ListWatch<V1Node>(
            "nodes",
            async ct =>
            {
                var list = await client.CoreV1.ListNodeAsync(labelSelector: o.NodeSelector, cancellationToken: ct);
                return (list.Items, list.Metadata.ResourceVersion);
            },
            (version, onError, ct) => client.CoreV1.WatchListNodeAsync(
                labelSelector: o.NodeSelector, resourceVersion: version, allowWatchBookmarks: true, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            nodes,
            o,
            time,
            _logger);
        var selector = $"{KubernetesNames.ManagedBy}={KubernetesNames.ManagedByValue}";
        PodWatch = new ListWatch<V1Pod>(
            "pods",
            async ct =>
            {
                var list = await client.CoreV1.ListNamespacedPodAsync(o.Namespace, labelSelector: selector, cancellationToken: ct);
                return (list.Items, list.Metadata.ResourceVersion);
            },
            (version, onError, ct) => client.CoreV1.WatchListNamespacedPodAsync(
                o.Namespace, labelSelector: selector, resourceVersion: version, allowWatchBookmarks: true, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            driver,
            o,
            time,
            _logger);

        _loops = Task.WhenAll(
            NodeWatch.RunAsync(_stop.Token),
            PodWatch.RunAsync(_stop.Token),
            driver.RunReportsAsync(_stop.Token),
            EveryAsync(o.ModeSyncInterval, nodes.MirrorModesAsync, _stop.Token),
            EveryAsync(o.StartTimeout / 5, ct => driver.GiveUpStuckPodsAsync(time.GetUtcNow(), ct), _stop.Token),
            EveryAsync(o.UsageInterval, usage.SampleOnceAsync, _stop.Token),
            replicas.RunAsync(_stop.Token));
        LogStarted(_logger, o.Namespace);
        return Task.CompletedTask;
    }

    private async Task EveryAsync(TimeSpan period, Func<CancellationToken, Task<int>> round, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await round(cancellationToken);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
                {
                    LogRoundFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _loops.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // registered under two service types, so disposed twice
        }

        await _stop.CancelAsync();
        await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A periodic round of the Kubernetes driver failed; trying again next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes driver started: watching nodes and WPAI's pods in namespace {Namespace}")]
    private static partial void LogStarted(ILogger logger, string @namespace);
}
