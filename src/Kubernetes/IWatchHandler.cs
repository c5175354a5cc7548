namespace WPAI.Kubernetes;

/// <summary>Receives what a <see cref="ListWatch{T}"/> reads: whole lists (first, after 410 Gone, on resync) and single events.</summary>
public interface IWatchHandler<in T>
{
    /// <summary>The complete current set: objects missing from it were deleted while nothing watched.</summary>
    Task OnListAsync(IReadOnlyList<T> items, CancellationToken cancellationToken);

    /// <summary>One ADDED, MODIFIED or DELETED event, in resourceVersion order.</summary>
    Task OnEventAsync(WatchEventType type, T item, CancellationToken cancellationToken);
}
