namespace WPAI.Domain.Scheduling;

/// <summary>
/// A job running in a pool, as its scheduler's ledger holds it. <paramref name="ExpectedEnd"/> is when it is expected to
/// end (its start + its declared run time); null when it has no estimate: backfilling treats it as never ending.
/// </summary>
public sealed record RunningJob(string JobId, string Department, string Node, Resources Resources, Tier Tier, double Score, DateTimeOffset StartedAt, DateTimeOffset? ExpectedEnd = null)
{
    /// <summary>The ledger entry of <paramref name="entry"/> placed on <paramref name="node"/> at <paramref name="now"/>.</summary>
    public static RunningJob Placed(QueueEntry entry, string node, Tier tier, double score, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.JobId, entry.Department, node, entry.Request, tier, score, now, EndOf(now, entry.ExpectedDuration));
    }

    /// <summary>The ledger entry of a job found running on <paramref name="placement"/> (a pool rebuilt or reconciled from the job grains).</summary>
    public static RunningJob Found(JobSpec spec, Placement placement)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(placement);
        return new(spec.JobId, spec.Department, placement.Node, placement.Resources, placement.Tier, 0, placement.StartedAt, EndOf(placement.StartedAt, spec.Duration));
    }

    /// <summary>The expected end of a run started at <paramref name="start"/> that declares <paramref name="declared"/> (null: no estimate).</summary>
    public static DateTimeOffset? EndOf(DateTimeOffset start, TimeSpan declared) => declared > TimeSpan.Zero ? start + declared : null;
}
