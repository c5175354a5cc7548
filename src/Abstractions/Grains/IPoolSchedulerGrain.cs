using System.Collections.Immutable;
using Orleans.Concurrency;
using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// The scheduler of one pool (key: pool name = GPU model): its pending queue, a pushed view of its nodes'
/// free capacity, the pool's quota ledger; it scores, places best-fit and preempts borrowed work.
/// </summary>
[Alias("wpai.IPoolSchedulerGrain")]
public interface IPoolSchedulerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Queues a pending job (idempotent per job id and attempt) and returns once the queue holding it is persisted.
    /// </summary>
    /// <remarks>
    /// Interleaves with other calls so that concurrent enqueues share one write (group commit): it adds the entry
    /// without awaiting anything, then waits for a write that starts after the entry was added.
    /// </remarks>
    /// <returns>The pool's check of the request: when it is not <c>Known</c> and <c>Fits</c>, nothing was queued.</returns>
    /// <param name="entry">The job's queue entry.</param>
    /// <param name="stamp">When the caller does not await the answer (a job offered on by another pool), the message's
    /// <see cref="PoolStamp"/> for <see cref="AwaitDeliveredAsync"/>; null otherwise.</param>
    [Alias("Enqueue"), AlwaysInterleave]
    Task<PoolCheck> EnqueueAsync(QueueEntry entry, PoolStamp? stamp);

    /// <summary>
    /// Drops a job from the queue (cancelled, or started in another pool) when its queued attempt is at most
    /// <paramref name="attempt"/> (any attempt when null).
    /// </summary>
    /// <remarks>
    /// One-way and not interleaving, so it may run after a later enqueue of the same job (an enqueue interleaves with a
    /// running pass; the removal waits for the pass): the attempt keeps a removal sent when an attempt started from
    /// dropping the job's next attempt, queued here after a preemption.
    /// </remarks>
    [Alias("RemoveAttempt"), OneWay]
    Task RemoveAsync(string jobId, int? attempt, PoolStamp? stamp);

    /// <summary>Whether this pool exists and could ever host the request (used to reject impossible jobs at submit).</summary>
    /// <remarks>Interleaves with a running pass: it only reads, and never awaits.</remarks>
    [Alias("Check"), AlwaysInterleave]
    Task<PoolCheck> CheckAsync(Resources request, bool longRunning);

    /// <summary>A node reports its capacity (registration, release, mode change).</summary>
    [Alias("NodeChanged"), OneWay]
    Task NodeChangedAsync(NodeCapacity capacity, PoolStamp? stamp);

    /// <summary>
    /// A job placed in this pool has stopped running; its GPUs leave the pool's ledger. <paramref name="freed"/> is the
    /// node's capacity after the job's release (<see cref="INodeGrain.ReleaseForSchedulerAsync"/>), so the node need not
    /// report it separately; null when the caller did not release a node.
    /// </summary>
    /// <remarks>
    /// Like every one-way message to a pool it carries its <see cref="PoolStamp"/> (null from callers that keep no
    /// sequence), so a caller can wait until the pool has applied it (<see cref="AwaitDeliveredAsync"/>).
    /// </remarks>
    [Alias("JobEnded"), OneWay]
    Task JobEndedAsync(string jobId, double? effectiveGpuUtilization, NodeCapacity? freed, PoolStamp? stamp);

    /// <summary>
    /// A node registered in this pool; awaited by the node so that the pool knows it before the registration returns.
    /// </summary>
    /// <remarks>Interleaves with a running pass: it only updates the in-memory view, and never awaits.</remarks>
    [Alias("RegisterNode"), AlwaysInterleave]
    Task RegisterNodeAsync(NodeCapacity capacity);

    /// <summary>A department's quota in this pool.</summary>
    /// <remarks>
    /// Interleaves with a running pass (the department calls it while a pass may be waiting on that department):
    /// it only updates the in-memory quota and never awaits; the next pass persists it.
    /// </remarks>
    [Alias("SetQuota"), AlwaysInterleave]
    Task SetQuotaAsync(string department, int gpus);

    /// <summary>Runs a scheduling pass now and returns how many jobs it placed (also runs on events and a timer).</summary>
    [Alias("RunPass")]
    Task<int> RunPassAsync();

    /// <summary>
    /// Runs a scheduling pass if this pool has applied every one-way message up to <paramref name="watermark"/> (the
    /// sending silo's <c>PoolOutbox.Watermark</c>), so that the pass never plans against capacity a job's end or a node's
    /// change has already altered; returns how many jobs it placed, or null (and does nothing) when a message is still
    /// on its way: then <see cref="AwaitDeliveredAsync"/> and call again. Costs no extra call when nothing is in flight.
    /// </summary>
    [Alias("RunPassAfter")]
    Task<int?> RunPassAfterAsync(PoolStamp watermark);

    /// <summary>
    /// Returns once this pool has applied every one-way message up to <paramref name="watermark"/>; throws a
    /// <see cref="TimeoutException"/> naming the pool and the messages still missing after <paramref name="timeout"/>
    /// (a message lost with a silo, or sent to an earlier activation of this pool).
    /// </summary>
    /// <remarks>Interleaves with a running pass and with the messages it waits for: it only waits, and changes nothing.</remarks>
    [Alias("AwaitDelivered"), AlwaysInterleave]
    Task AwaitDeliveredAsync(PoolStamp watermark, TimeSpan timeout);

    /// <remarks>Interleaves with a running pass: it only reads, and never awaits.</remarks>
    [Alias("Get"), AlwaysInterleave]
    Task<PoolView> GetAsync();

    /// <summary>
    /// The mixing controller's forecast of when each lent node of this pool will be taken back (look-ahead b): a short
    /// job whose expected end is after that time is not placed there. Replaces the previous map; an empty map lifts
    /// every restriction. Kept in memory (the controller pushes it every tick).
    /// </summary>
    /// <remarks>Interleaves with a running pass: it only sets an in-memory value, and never awaits.</remarks>
    [Alias("SetReclaimForecast"), AlwaysInterleave]
    Task SetReclaimForecastAsync(ImmutableDictionary<string, DateTimeOffset> reclaimBy);

    /// <summary>
    /// Places one inference replica (owner id = replica id) on an OnlineNormal node of this pool through the node's
    /// reservation path, best fit. Returns the node's name, or null when no online node has room.
    /// Release it with <see cref="INodeGrain.ReleaseAsync"/> on that node.
    /// </summary>
    [Alias("PlaceReplica")]
    Task<string?> PlaceReplicaAsync(string ownerId, Resources resources);
}
