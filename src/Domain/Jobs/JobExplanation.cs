namespace WPAI.Domain.Jobs;

/// <summary>Why a job is where it is, in one line for people: waiting (and why it waits again), running where, or how it ended.</summary>
public static class JobExplanation
{
    public static string Explain(
        JobStatus status, int attempt, string? preemptedBy, string? reclaimedFrom, ImmutableArray<string> pools, Resources requested, Placement? placement, string? outcome)
    {
        var queue = string.Join(" → ", pools.IsDefault ? [] : pools);
        return status switch
        {
            JobStatus.Pending when preemptedBy is not null => $"pending (attempt {attempt}): preempted by job {preemptedBy}; waiting in pool {queue}",
            JobStatus.Pending when reclaimedFrom is not null =>
                $"pending (attempt {attempt}): killed when lent node {reclaimedFrom} was taken back for inference; waiting in pool {queue}",
            JobStatus.Pending => $"pending: waiting in pool {queue} for {requested}",
            JobStatus.Running when placement is { } p => $"running on {p.Node} in pool {p.Pool} ({p.Tier} tier) since {p.StartedAt:u}",
            _ => outcome ?? status.ToString().ToLowerInvariant(),
        };
    }
}
