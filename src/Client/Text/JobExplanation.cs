using System.Globalization;
using WPAI.Abstractions.Contracts;
using WPAI.Client;

namespace WPAI.Client.Text;

/// <summary>Says in words why a job waits, where it runs, why it was preempted, or how it ended.</summary>
public static class JobExplanation
{
    public static IReadOnlyList<string> Lines(JobDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var job = details.Job;
        var lines = new List<string>();
        switch (job.Status)
        {
            case JobStatus.Pending or JobStatus.Preempted:
                if (job.PreemptedBy is { Length: > 0 } preemptor)
                {
                    lines.Add($"Preempted by job '{preemptor}'; re-queued keeping its wait time ({Format.Duration(job.WaitTime)} so far).");
                }

                if (!string.IsNullOrWhiteSpace(job.Explanation))
                {
                    lines.Add(job.Explanation);
                }

                var queue = details.Queue.IsDefault ? [] : details.Queue;
                foreach (var position in queue.OrderBy(p => p.Entry.Position))
                {
                    var entry = position.Entry;
                    lines.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"In pool {position.Pool}: position {entry.Position} of {position.QueueLength}, {Format.Tier(entry.Tier)} tier (score {Format.Score(entry.Score)}), waited {Format.Duration(entry.Waited)}: {entry.Reason}"));
                }

                if (queue.IsEmpty)
                {
                    lines.Add($"Not in a pool queue at this moment (accepts {string.Join(", ", Models(job))}).");
                }

                break;

            case JobStatus.Running when job.Placement is { } placement:
                lines.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Running on node '{placement.Node}' in pool {placement.Pool} ({Format.Tier(placement.Tier)} tier) since {Format.Time(placement.StartedAt)}, attempt {placement.Attempt}."));
                if (job.PreemptedBy is { Length: > 0 } earlier)
                {
                    lines.Add($"Was preempted earlier by job '{earlier}'.");
                }

                if (placement.Tier == Tier.Borrowed)
                {
                    lines.Add("It runs on borrowed quota: an own-quota job of another department may preempt it.");
                }

                break;

            default:
                lines.Add(string.IsNullOrWhiteSpace(job.Explanation) ? $"{job.Status}." : job.Explanation);
                if (job.PreemptedBy is { Length: > 0 } before)
                {
                    lines.Add($"Was preempted by job '{before}' during an earlier attempt.");
                }

                break;
        }

        return lines;
    }

    private static IEnumerable<string> Models(JobView job) => job.Spec.GpuModels.IsDefaultOrEmpty ? ["-"] : job.Spec.GpuModels;
}
