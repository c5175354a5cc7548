using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A pending job in a pool's queue. <paramref name="WaitedBefore"/> is wait time carried over from earlier attempts
/// (a preempted job keeps it); <paramref name="QueuedAt"/> is when this attempt started waiting.
/// <paramref name="PreemptOnlyIn"/>: on an entry offered on to a later pool, the earlier pool of the job where it could
/// preempt (Kueue's flavor fungibility <c>whenCanPreempt: TryNextFlavor</c>): the later pool may place it only without
/// preempting, and the job preempts in that earlier pool. Null (every entry stored before it existed): the pool may
/// preempt for it.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.queue-entry")]
public sealed record QueueEntry(
    string JobId,
    string Department,
    Resources Request,
    ImmutableArray<string> Pools,
    DateTimeOffset QueuedAt,
    TimeSpan WaitedBefore,
    int Attempt,
    bool LongRunning = false,
    TimeSpan ExpectedDuration = default,
    string? PreemptOnlyIn = null);
