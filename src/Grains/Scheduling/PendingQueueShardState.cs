namespace WPAI.Grains.Scheduling;

/// <summary>
/// One shard of a pool's pending queue, persisted as its own grain state (<c>queue-N</c> beside the scheduler's
/// <c>scheduler</c> state): an enqueue writes only the shard of its job, not the whole queue.
/// </summary>
[GenerateSerializer, Alias("wpai.state.pool-queue-shard")]
public sealed class PendingQueueShardState
{
    [Id(0)]
    public Dictionary<string, QueueEntry> Entries { get; set; } = new(StringComparer.Ordinal);
}
