namespace WPAI.Domain.Scheduling;

/// <summary>
/// The borrowed-tier jobs of a pool by node, the nodes in ordinal name order, each node's jobs in the order they were
/// given: where <see cref="PreemptionPolicy"/> looks for victims. A pass builds it once from the jobs running as the pass
/// sees them and keeps it until it places or evicts a job, instead of grouping every running job again for each job
/// that may preempt.
/// </summary>
public sealed class BorrowedByNode
{
    private readonly Dictionary<string, List<RunningJob>> _jobs;
    private readonly KeyValuePair<string, List<RunningJob>>[] _inNameOrder;

    private BorrowedByNode(Dictionary<string, List<RunningJob>> jobs)
    {
        _jobs = jobs;
        _inNameOrder = [.. jobs];
        Array.Sort(_inNameOrder, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
    }

    /// <summary>The borrowed-tier jobs by node name.</summary>
    public IReadOnlyDictionary<string, List<RunningJob>> Jobs => _jobs;

    public static BorrowedByNode Of(IEnumerable<RunningJob> running)
    {
        ArgumentNullException.ThrowIfNull(running);
        var jobs = new Dictionary<string, List<RunningJob>>(StringComparer.Ordinal);
        foreach (var job in running)
        {
            if (job.Tier != Tier.Borrowed)
            {
                continue;
            }

            if (!jobs.TryGetValue(job.Node, out var onNode))
            {
                jobs[job.Node] = onNode = [];
            }

            onNode.Add(job);
        }

        return new BorrowedByNode(jobs);
    }

    /// <summary>
    /// The nodes in name order that hold borrowed-tier jobs, are known (<paramref name="node"/> gives the slot as the
    /// caller sees it, null for a node it does not know), <paramref name="eligible"/> and large enough for
    /// <paramref name="request"/>, each with those jobs: the candidates of either victim rule.
    /// </summary>
    public IEnumerable<(NodeSlot Node, List<RunningJob> Candidates)> Candidates(Resources request, Func<string, NodeSlot?> node, Func<NodeSlot, bool> eligible)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(eligible);
        foreach (var (name, jobs) in _inNameOrder)
        {
            if (node(name) is { } slot && eligible(slot) && slot.Capacity.Fits(request))
            {
                yield return (slot, jobs);
            }
        }
    }
}
