using System.Net;
using k8s.Autorest;

namespace WPAI.Kubernetes;

/// <summary>
/// The list-then-watch loop of a Kubernetes controller, for one kind of object. It lists (remembering the list's
/// resourceVersion), then watches from that version with bookmarks, moving its version forward with every event and
/// bookmark. A watch that ends (server timeout, dropped connection) is opened again from the last version, so that no
/// event is missed and none is delivered twice; a watch answered 410 Gone (the version is too old) and the periodic
/// resync start over with a new list, which the handler reconciles against what it knew.
/// </summary>
public sealed partial class ListWatch<T>(
    string what,
    Func<CancellationToken, Task<(IList<T> Items, string ResourceVersion)>> list,
    Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Item)>> watch,
    IWatchHandler<T> handler,
    KubernetesDriverOptions options,
    TimeProvider time,
    ILogger logger)
    where T : IKubernetesObject<V1ObjectMeta>
{
    private long _lists;
    private long _watches;

    /// <summary>How many lists were made (the first, after 410 Gone, resyncs, errors).</summary>
    public long Lists => Interlocked.Read(ref _lists);

    /// <summary>How many watch requests were opened.</summary>
    public long Watches => Interlocked.Read(ref _watches);

    /// <summary>The resourceVersion the next watch starts from.</summary>
    public string? ResourceVersion { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (items, version) = await list(cancellationToken);
                Interlocked.Increment(ref _lists);
                ResourceVersion = version;
                await handler.OnListAsync([.. items], cancellationToken);
                await WatchUntilResyncAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogListFailed(logger, ex, what);
                await DelayAsync(options.RetryDelay, cancellationToken);
            }
        }
    }

    /// <summary>Watches from <see cref="ResourceVersion"/> until the resync is due or the version is gone (410).</summary>
    private async Task WatchUntilResyncAsync(CancellationToken cancellationToken)
    {
        using var resync = new CancellationTokenSource(options.ResyncInterval, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, resync.Token);
        while (!linked.IsCancellationRequested)
        {
            Exception? error = null;
            try
            {
                Interlocked.Increment(ref _watches);
                await foreach (var (type, item) in watch(ResourceVersion!, e => error ??= e, linked.Token))
                {
                    var version = item.Metadata?.ResourceVersion;
                    if (type != WatchEventType.Bookmark)
                    {
                        await handler.OnEventAsync(type, item, cancellationToken);
                    }

                    if (!string.IsNullOrEmpty(version))
                    {
                        ResourceVersion = version;
                    }
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                break;
            }
            catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Gone)
            {
                error = ex;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or HttpOperationException)
            {
                // A dropped connection: watch again from the last version delivered.
                LogWatchDropped(logger, what, ResourceVersion, ex.Message);
                await DelayAsync(TimeSpan.FromMilliseconds(100), linked.Token);
                continue;
            }

            if (IsGone(error))
            {
                LogGone(logger, what, ResourceVersion);
                return;
            }

            if (error is not null)
            {
                LogWatchError(logger, error, what);
                await DelayAsync(options.RetryDelay, linked.Token);
                return;
            }
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            LogResync(logger, what);
        }
    }

    private static bool IsGone(Exception? error) => error switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone,
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // stopping or resyncing
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing {What} failed; listing again shortly")]
    private static partial void LogListFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "The watch of {What} dropped at resourceVersion {Version} ({Reason}); watching again from there")]
    private static partial void LogWatchDropped(ILogger logger, string what, string? version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The watch of {What} at resourceVersion {Version} is gone (410); listing again")]
    private static partial void LogGone(ILogger logger, string what, string? version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The watch of {What} reported an error; listing again")]
    private static partial void LogWatchError(ILogger logger, Exception exception, string what);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resync of {What}: listing again")]
    private static partial void LogResync(ILogger logger, string what);
}
