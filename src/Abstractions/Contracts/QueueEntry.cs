using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A pending job in a pool's queue. <paramref name="WaitedBefore"/> is wait time carried over from earlier attempts
/// (a preempted job keeps it); <paramref name="QueuedAt"/> is when this attempt started waiting.
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
    TimeSpan ExpectedDuration = default);
