namespace WPAI.Inference.Models;

/// <summary>Dynamic batching settings of one model.</summary>
public sealed record DynamicBatchingConfig
{
    public bool Enabled { get; init; }

    /// <summary>Batch sizes the batcher stops at as soon as it has them.</summary>
    public IReadOnlyList<int> PreferredBatchSizes { get; init; } = [];

    /// <summary>Longest time the oldest queued request waits for others to join its batch.</summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Requests that may wait in the queue; more are refused with 503.</summary>
    public int MaxQueueSize { get; init; } = 256;
}
