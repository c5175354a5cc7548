using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// The sequence of one-way messages this silo sends to each pool scheduler (a job's end, a node's change, a dropped or
/// offered-on queue entry): every such message carries its <see cref="PoolStamp"/>, and
/// <see cref="Watermark"/> tells a caller what a pool is owed, so that it can ask for a pass only once the pool has
/// applied all of it (<see cref="IPoolSchedulerGrain.RunPassAfterAsync"/>). One per silo process; the messages stay
/// one-way, and stamping costs no call. It also knows which of this silo's pool schedulers are idle
/// (<see cref="IsIdle"/>), so that a caller running passes on every pool after every event (the replay loops) can skip
/// the passes that would plan nothing.
/// </summary>
public sealed class PoolOutbox
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _idle = new(StringComparer.Ordinal);

    /// <summary>The checks of the pools active on this silo, answered without a call when the pool is up to date.</summary>
    public LocalPoolChecks Checks { get; } = new();

    /// <summary>
    /// The answer the scheduler of <paramref name="pool"/> would give to a check now, when it is active on this silo and
    /// has applied every message this silo sent it; null when it must be asked (<see cref="LocalPoolChecks"/>).
    /// </summary>
    public PoolCheck? TryCheck(string pool, Resources request, bool longRunning) =>
        Checks.TryCheck(pool, request, longRunning, Interlocked.Read(ref Counter(pool).Value));

    /// <summary>This silo process's origin (fresh per process, so a restarted silo never reuses sequence numbers).</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The stamp of the next message to <paramref name="pool"/>; take it right before sending.</summary>
    public PoolStamp Next(string pool) => new(Origin, Interlocked.Increment(ref Counter(pool).Value));

    /// <summary>The stamp of the last message sent to <paramref name="pool"/> (sequence 0 when none was).</summary>
    public PoolStamp Watermark(string pool) => new(Origin, Interlocked.Read(ref Counter(pool).Value));

    /// <summary>
    /// The scheduler of <paramref name="pool"/> (on this silo) finished a pass with nothing left to do — its queue
    /// empty, nothing uncertain, no call since it planned — having applied this silo's messages 1…<paramref name="applied"/>.
    /// </summary>
    public void ReportIdle(string pool, long applied) => _idle[pool] = applied;

    /// <summary>The scheduler of <paramref name="pool"/> received a call that may give its next pass something to do (or activated).</summary>
    public void ReportBusy(string pool) => _idle.TryRemove(pool, out _);

    /// <summary>
    /// Whether a pass on <paramref name="pool"/> now would plan nothing and change nothing: its scheduler reported idle,
    /// no call has reached it since, and this silo has sent it no message beyond those it had applied then. A pool
    /// whose scheduler runs on another silo is never idle here.
    /// </summary>
    public bool IsIdle(string pool) => _idle.TryGetValue(pool, out var applied) && applied == Interlocked.Read(ref Counter(pool).Value);

    private StrongBox<long> Counter(string pool) => _sent.GetOrAdd(pool, static _ => new StrongBox<long>());
}
