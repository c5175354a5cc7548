using WPAI.Domain.Jobs;
using WPAI.Domain.Mixing;

namespace WPAI.Grains.Jobs;

/// <summary>How a submitted job reaches its first queue: the pool checks and the one enqueue, before the job is recorded.</summary>
internal static class JobQueueing
{
    /// <summary>
    /// The checks this silo's views of the candidate pools answer without a call (<see cref="Scheduling.PoolOutbox.TryCheck"/>),
    /// in candidate order; null where the pool must be asked.
    /// </summary>
    public static PoolCheck?[] LocalChecks(Scheduling.PoolOutbox outbox, ImmutableArray<string> candidates, Resources requested, bool longRunning) =>
        [.. candidates.Select(pool => outbox.TryCheck(pool, requested, longRunning))];

    /// <summary>
    /// Whether the <paramref name="local"/> checks already accept the job: every candidate is known and one can host it, so
    /// <see cref="EnqueueFirstAsync"/> will queue it unless the pools change meanwhile. False when any pool must be asked.
    /// </summary>
    public static bool AcceptedLocally(PoolCheck?[] local) =>
        local.All(check => check is { Known: true }) && local.Any(check => check is { Fits: true });

    /// <summary>
    /// Queues the job's first attempt in the first of <paramref name="candidates"/> that can host it and returns the
    /// pools it may run in (in order); refuses (queuing nothing) when a candidate is unknown or none can host it. With
    /// <paramref name="lentFirst"/> a short job's first pool is the first candidate with lent room that outlasts it.
    /// <paramref name="local"/> holds the checks this silo answers without a call (<see cref="LocalChecks"/>).
    /// </summary>
    public static async Task<ImmutableArray<string>> EnqueueFirstAsync(
        IGrainFactory grains, PoolCheck?[] local, JobSpec spec, Resources requested, ImmutableArray<string> candidates, bool longRunning, bool lentFirst, DateTimeOffset now)
    {
        if (candidates.Length == 1)
        {
            // One acceptable model: the enqueue itself checks the pool, and queues nothing when it says no.
            var check = await grains.GetGrain<IPoolSchedulerGrain>(candidates[0]).EnqueueAsync(JobSubmission.FirstEntry(spec, requested, candidates, now, longRunning), null);
            JobSubmission.EnsureUsable(candidates, [check], requested);
            return candidates;
        }

        // A pool active on this silo and up to date answers from its ledger's check view without a call; lent-first
        // ordering needs each pool's lent room now, which only the pool knows, so it asks every pool.
        var crossPoolLentFirst = lentFirst && !longRunning;
        var checks = await Task.WhenAll(candidates.Select((p, i) =>
            !crossPoolLentFirst && local[i] is { } answered
                ? Task.FromResult(answered)
                : grains.GetGrain<IPoolSchedulerGrain>(p).CheckAsync(requested, longRunning)));
        JobSubmission.EnsureUsable(candidates, checks, requested);
        var fitting = candidates.Where((_, i) => checks[i].Fits).ToImmutableArray();
        if (crossPoolLentFirst)
        {
            // Cross-pool lent-first placement: the pool whose lent room outlasts the job goes first (the checks carry it).
            fitting = CrossPoolLentFirst.Order(fitting, [.. checks.Where(c => c.Fits).Select(c => c.LentRoomUntil)], now, spec.Duration);
        }

        var first = await grains.GetGrain<IPoolSchedulerGrain>(fitting[0]).EnqueueAsync(JobSubmission.FirstEntry(spec, requested, fitting, now, longRunning), null);
        JobSubmission.EnsureUsable([fitting[0]], [first], requested);
        return fitting;
    }
}
