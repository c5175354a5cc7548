namespace WPAI.Domain.Scheduling;

/// <summary>
/// When a reserved job is expected to start on its reserved node (<paramref name="At"/>, the "shadow time" of EASY
/// backfilling) and what that node will have spare then beyond the job's request (<paramref name="Spare"/>). A later job
/// may start on the node without delaying the reserved one when it is expected to end by <paramref name="At"/>, or when
/// it fits in <paramref name="Spare"/> (<see cref="Admit"/>). Estimates are the running jobs' declared run times: a job
/// without one, or past it, is taken as never ending.
/// </summary>
public sealed record ShadowTime(DateTimeOffset At, Resources Spare)
{
    /// <summary>
    /// The earliest time at which <paramref name="request"/> fits on a node that has <paramref name="free"/> now, as the
    /// jobs <paramref name="runningThere"/> end at their expected ends; null when it never does by the estimates (a job
    /// without an estimate, or already past it, never ends here).
    /// </summary>
    public static ShadowTime? Of(Resources free, IEnumerable<RunningJob> runningThere, Resources request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(free);
        ArgumentNullException.ThrowIfNull(runningThere);
        ArgumentNullException.ThrowIfNull(request);
        if (free.Fits(request))
        {
            return new ShadowTime(now, free.Subtract(request));
        }

        var ending = runningThere
            .Where(r => r.ExpectedEnd is { } end && end > now)
            .GroupBy(r => r.ExpectedEnd!.Value)
            .OrderBy(g => g.Key);
        foreach (var group in ending)
        {
            free = group.Aggregate(free, (sum, r) => sum.Add(r.Resources));
            if (free.Fits(request))
            {
                return new ShadowTime(group.Key, free.Subtract(request));
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a job asking <paramref name="request"/> and expected to end at <paramref name="expectedEnd"/> (null: no
    /// estimate) may start on the reserved node now without delaying the reserved job, and the shadow time after it
    /// starts: unchanged when it ends by <see cref="At"/>, with less spare when it runs past it within the spare; null
    /// when it would delay the reserved job.
    /// </summary>
    public ShadowTime? Admit(Resources request, DateTimeOffset? expectedEnd)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (expectedEnd is { } end && end <= At)
        {
            return this;
        }

        return Spare.Fits(request) ? this with { Spare = Spare.Subtract(request) } : null;
    }
}
