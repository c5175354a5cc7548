using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// The sequence of one-way messages this silo sends to each pool scheduler (a job's end, a node's change, a dropped or
/// offered-on queue entry): every such message carries its <see cref="PoolStamp"/>, and
/// <see cref="Watermark"/> tells a caller what a pool is owed, so that it can ask for a pass only once the pool has
/// applied all of it (<see cref="IPoolSchedulerGrain.RunPassAfterAsync"/>). One per silo process; the messages stay
/// one-way, and stamping costs no call.
/// </summary>
public sealed class PoolOutbox
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _sent = new(StringComparer.Ordinal);

    /// <summary>This silo process's origin (fresh per process, so a restarted silo never reuses sequence numbers).</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The stamp of the next message to <paramref name="pool"/>; take it right before sending.</summary>
    public PoolStamp Next(string pool) => new(Origin, Interlocked.Increment(ref Counter(pool).Value));

    /// <summary>The stamp of the last message sent to <paramref name="pool"/> (sequence 0 when none was).</summary>
    public PoolStamp Watermark(string pool) => new(Origin, Interlocked.Read(ref Counter(pool).Value));

    private StrongBox<long> Counter(string pool) => _sent.GetOrAdd(pool, static _ => new StrongBox<long>());
}
