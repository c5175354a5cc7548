using System.Collections.Concurrent;

namespace WPAI.Kubernetes;

/// <summary>
/// Keeps WPAI's nodes in step with the cluster's: registers each Kubernetes node as a WPAI node (first in the mode its
/// <c>wpai.io/mode</c> label names, else <see cref="KubernetesDriverOptions.InitialMode"/>), moves it to Down when it
/// is cordoned, NotReady or deleted, and back to the mirrored mode when it recovers (only when Kubernetes, not an
/// admin, put it Down). <see cref="MirrorModesAsync"/> writes WPAI's modes back as label and taint.
/// </summary>
public sealed partial class KubernetesNodeSync(
    IGrainFactory grains,
    IKubernetes client,
    IOptions<KubernetesDriverOptions> options,
    ILogger<KubernetesNodeSync> logger) : IWatchHandler<V1Node>
{
    /// <summary>The prefix of the reason of every mode change this sync makes.</summary>
    public const string ReasonPrefix = "kubernetes: ";

    private const int FanOut = 16;

    private readonly ConcurrentDictionary<string, V1Node> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ObservedNode> _applied = new(StringComparer.Ordinal);

    /// <summary>The Kubernetes nodes last seen, by name.</summary>
    public IReadOnlyCollection<string> Nodes => [.. _nodes.Keys];

    public async Task OnListAsync(IReadOnlyList<V1Node> items, CancellationToken cancellationToken)
    {
        var present = items.Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _nodes.Keys.Where(n => !present.Contains(n)).ToList())
        {
            await RemovedAsync(gone);
        }

        foreach (var chunk in items.Chunk(FanOut))
        {
            await Task.WhenAll(chunk.Select(ApplyAsync));
        }
    }

    public Task OnEventAsync(WatchEventType type, V1Node item, CancellationToken cancellationToken) =>
        type == WatchEventType.Deleted ? RemovedAsync(item.Metadata.Name) : ApplyAsync(item);

    private async Task ApplyAsync(V1Node node)
    {
        var name = node.Metadata.Name;
        _nodes[name] = node;
        var observed = NodeTranslation.Observe(node, options.Value);
        if (_applied.TryGetValue(name, out var last) && last == observed)
        {
            return; // a heartbeat: nothing WPAI cares about changed
        }

        if (observed.Spec is not { } spec)
        {
            LogSkipped(logger, name, observed.Problem ?? "unknown");
            _applied[name] = observed;
            return;
        }

        var grain = grains.GetGrain<INodeGrain>(name);
        var upMode = observed.MirroredMode is NodeMode.OnlineNormal or NodeMode.OfflineNormal or NodeMode.Fixed ? observed.MirroredMode.Value : options.Value.InitialMode;
        NodeView view;
        try
        {
            view = await grain.RegisterAsync(spec, observed.Available ? upMode : NodeMode.Down);
        }
        catch (WpaiValidationException ex)
        {
            LogHardwareChanged(logger, name, ex.Message);
            _applied[name] = observed;
            return;
        }

        if (!observed.Available && view.Mode != NodeMode.Down)
        {
            await grain.ChangeModeAsync(NodeMode.Down, ReasonPrefix + observed.Unavailable);
            LogDown(logger, name, observed.Unavailable!);
        }
        else if (observed.Available && view.Mode == NodeMode.Down && DownedByKubernetes(view))
        {
            await grain.ChangeModeAsync(upMode, ReasonPrefix + "schedulable and Ready again");
            LogUp(logger, name, upMode);
        }

        _applied[name] = observed;
    }

    private async Task RemovedAsync(string name)
    {
        _nodes.TryRemove(name, out _);
        _applied.TryRemove(name, out _);
        var grain = grains.GetGrain<INodeGrain>(name);
        try
        {
            var view = await grain.GetAsync();
            if (view.Mode != NodeMode.Down)
            {
                await grain.ChangeModeAsync(NodeMode.Down, ReasonPrefix + "node deleted from the cluster");
                LogDown(logger, name, "deleted from the cluster");
            }
        }
        catch (WpaiNotFoundException)
        {
            // never registered (e.g. it had no pool)
        }
    }

    private static bool DownedByKubernetes(NodeView view) =>
        !view.Transitions.IsDefaultOrEmpty && view.Transitions[^1] is { To: NodeMode.Down } last
        && last.Reason.StartsWith(ReasonPrefix, StringComparison.Ordinal);

    /// <summary>Writes every known node's WPAI mode to its label and taint where they differ; returns how many nodes were patched.</summary>
    public async Task<int> MirrorModesAsync(CancellationToken cancellationToken)
    {
        var patched = 0;
        foreach (var chunk in _nodes.Values.Where(n => _applied.TryGetValue(n.Metadata.Name, out var o) && o.Spec is not null).Chunk(FanOut))
        {
            var results = await Task.WhenAll(chunk.Select(n => MirrorAsync(n, cancellationToken)));
            patched += results.Count(r => r);
        }

        return patched;
    }

    private async Task<bool> MirrorAsync(V1Node node, CancellationToken cancellationToken)
    {
        var name = node.Metadata.Name;
        try
        {
            var view = await grains.GetGrain<INodeGrain>(name).GetAsync();
            if (NodeModeMirror.Patch(node, view.Mode) is not { } patch)
            {
                return false;
            }

            var updated = await client.CoreV1.PatchNodeAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), name, cancellationToken: cancellationToken);
            _nodes[name] = updated;
            LogMirrored(logger, name, view.Mode);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response?.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            LogMirrorConflict(logger, name);
            return false; // the watch brings the newer node; the next round patches from it
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            LogMirrorFailed(logger, ex, name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kubernetes node {Node} is not a WPAI node: {Problem}")]
    private static partial void LogSkipped(ILogger logger, string node, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kubernetes node {Node} changed its hardware; WPAI keeps the registered one until the node is removed and added again: {Detail}")]
    private static partial void LogHardwareChanged(ILogger logger, string node, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} is Down: {Reason}")]
    private static partial void LogDown(ILogger logger, string node, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} is back in mode {Mode}")]
    private static partial void LogUp(ILogger logger, string node, NodeMode mode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mirrored mode {Mode} onto node {Node}")]
    private static partial void LogMirrored(ILogger logger, string node, NodeMode mode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node} changed since it was read; its mode is mirrored next round")]
    private static partial void LogMirrorConflict(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mirror WPAI's mode onto node {Node}")]
    private static partial void LogMirrorFailed(ILogger logger, Exception exception, string node);
}
