using WPAI.Abstractions.Contracts.Agent;

namespace WPAI.Domain.Agents;

/// <summary>
/// One node's desired-run list as its agent pulls it, over the persisted collections it is given: orders keyed by job
/// and attempt, each added once and left only when the agent reports the run's end; and the runs lost with a silent
/// node whose jobs are still to be told. Rules it guards: a start is ordered at most once per attempt, a stop only
/// turns an existing start into a stop (once), usage counts only for a run still wanted, and marking the node lost
/// turns every start into a stop and records each lost run exactly once.
/// </summary>
public sealed class AgentOrderBook(Dictionary<string, RunOrder> orders, List<RunEnd> lostToReport)
{
    /// <summary>The orders in the order the agent gets them: oldest first, then by job and attempt.</summary>
    public ImmutableArray<RunOrder> Runs =>
        [.. orders.Values.OrderBy(o => o.OrderedAt).ThenBy(o => o.JobId, StringComparer.Ordinal).ThenBy(o => o.Attempt)];

    /// <summary>The oldest lost run whose job is still to be told, if any.</summary>
    public RunEnd? NextLost => lostToReport.Count > 0 ? lostToReport[0] : null;

    /// <summary>How many lost runs are still to be told.</summary>
    public int LostCount => lostToReport.Count;

    /// <summary>Orders attempt <paramref name="attempt"/> of <paramref name="spec"/> on <paramref name="gpuIndices"/>; false when it is already ordered (a repeat).</summary>
    public bool TryOrderStart(JobSpec spec, int attempt, ImmutableArray<int> gpuIndices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var key = Key(spec.JobId, attempt);
        if (orders.ContainsKey(key))
        {
            return false;
        }

        orders[key] = new RunOrder(spec.JobId, attempt, spec, gpuIndices.IsDefault ? [] : gpuIndices, now);
        return true;
    }

    /// <summary>Turns the start of that attempt into a stop; false when there is no such start or it is already a stop.</summary>
    public bool TryOrderStop(string jobId, int attempt, string reason)
    {
        var key = Key(jobId, attempt);
        if (!orders.TryGetValue(key, out var order) || order.Stop)
        {
            return false;
        }

        orders[key] = order with { StopReason = string.IsNullOrWhiteSpace(reason) ? "stopped" : reason };
        return true;
    }

    /// <summary>Whether a start (or stop) of that attempt is on the list.</summary>
    public bool IsOrdered(string jobId, int attempt) => orders.ContainsKey(Key(jobId, attempt));

    /// <summary>Whether that attempt is ordered and not to be stopped (only such a run's usage counts).</summary>
    public bool IsWanted(string jobId, int attempt) => orders.TryGetValue(Key(jobId, attempt), out var order) && !order.Stop;

    /// <summary>The agent reported the run's end: the order leaves the list; false when it had already left.</summary>
    public bool End(string jobId, int attempt) => orders.Remove(Key(jobId, attempt));

    /// <summary>
    /// The node is lost (its agent fell silent): every start becomes a stop (so an agent that comes back stops what it
    /// still runs), and each such run is recorded as lost, to be told to its job. Returns how many runs were lost.
    /// </summary>
    public int MarkLost(string node, string reason, DateTimeOffset now)
    {
        var lost = 0;
        foreach (var (key, order) in orders.Where(o => !o.Value.Stop).ToList())
        {
            orders[key] = order with { StopReason = "node down: " + reason };
            lostToReport.Add(new RunEnd(order.JobId, order.Attempt, null, null, Stopped: false, Lost: true, $"node {node} down: {reason}", now));
            lost++;
        }

        return lost;
    }

    /// <summary>The job of <see cref="NextLost"/> was told: it leaves the list.</summary>
    public void LostReported()
    {
        if (lostToReport.Count == 0)
        {
            throw new InvalidOperationException("no lost run is waiting to be reported");
        }

        lostToReport.RemoveAt(0);
    }

    private static string Key(string jobId, int attempt) => $"{jobId}/{attempt}";
}
