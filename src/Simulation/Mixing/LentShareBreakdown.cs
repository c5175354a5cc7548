using WPAI.Abstractions.Contracts;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// Where the completed training jobs that did <em>not</em> complete on a lent machine ran, judged at the start of their
/// completing run on a Fixed node: <see cref="Long"/> (expected to run over the long-job threshold: only Fixed nodes may
/// take them), <see cref="NoLendablePool"/> (none of the pools the job accepts has a node that starts online, e.g. the
/// one-node pools, which stay Fixed), <see cref="FixedWhileLentRoomOutlasted"/> (a node of a pool the job accepts was lent then with the job's GPUs
/// free, and stayed lent past the job's expected end), <see cref="FixedWhileLentRoomEndedSooner"/> (such room existed but its
/// node was taken back before the job's expected end), <see cref="FixedWhileLentFull"/> (nodes of its pools were lent, none
/// with the job's GPUs free) and <see cref="FixedNothingLent"/> (no node of its pools was lent). A node is lent from the
/// decision that makes it OfflineNormal until the decision that starts taking it back; the room counts GPUs only.
/// <see cref="NeverLendableShareOfCompleted"/> bounds lentShare from above: 1 − it is the most any placement could reach.
/// </summary>
public sealed record LentShareBreakdown(
    int Completed,
    int OnLent,
    int Long,
    int NoLendablePool,
    int FixedWhileLentRoomOutlasted,
    int FixedWhileLentRoomEndedSooner,
    int FixedWhileLentFull,
    int FixedNothingLent)
{
    /// <summary>The completed jobs no lent machine could have taken (long, or accepting no pool with lendable nodes) / completed jobs.</summary>
    public double NeverLendableShareOfCompleted => Completed == 0 ? 0 : (double)(Long + NoLendablePool) / Completed;

    /// <summary>
    /// Classifies every completed job of <paramref name="log"/> by its completing run. <paramref name="origin"/> is the
    /// virtual time zero of the log (decisions carry absolute times).
    /// </summary>
    public static LentShareBreakdown Compute(
        IReadOnlyList<SimNode> nodes,
        IReadOnlySet<string> onlineNodes,
        IReadOnlyDictionary<string, SimJob> jobs,
        EventLog log,
        IEnumerable<PoolDecision> decisions,
        DateTimeOffset origin,
        TimeSpan longJobThreshold)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(onlineNodes);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(decisions);
        var lentPeriods = LentPeriods(decisions, origin);
        var lendablePools = nodes.Where(n => onlineNodes.Contains(n.Name)).Select(n => n.Pool).ToHashSet(StringComparer.Ordinal);
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        var running = new Dictionary<string, (string Node, int Gpus)>(StringComparer.Ordinal);
        var category = new Dictionary<string, Category>(StringComparer.Ordinal);
        int completed = 0, onLent = 0, longJobs = 0, noLendable = 0, outlasted = 0, endedSooner = 0, full = 0, nothing = 0;
        foreach (var e in log.Events)
        {
            if (e.Kind == RunEventKind.Started && e.Node is not null)
            {
                var job = jobs[e.JobId];
                category[e.JobId] = onlineNodes.Contains(e.Node) ? Category.OnLent
                    : job.Declared > longJobThreshold ? Category.Long
                    : !job.GpuModels.IsDefaultOrEmpty && !job.GpuModels.Any(lendablePools.Contains) ? Category.NoLendablePool
                    : Classify(job, e.At, nodes, lentPeriods, used);
                running[e.JobId] = (e.Node, e.Gpus);
                used[e.Node] = used.GetValueOrDefault(e.Node) + e.Gpus;
            }
            else if (e.Kind == RunEventKind.Stopped && running.Remove(e.JobId, out var run))
            {
                used[run.Node] -= run.Gpus;
                if (e.Reason != StopReason.Completed)
                {
                    continue;
                }

                completed++;
                switch (category[e.JobId])
                {
                    case Category.OnLent: onLent++; break;
                    case Category.Long: longJobs++; break;
                    case Category.NoLendablePool: noLendable++; break;
                    case Category.Outlasted: outlasted++; break;
                    case Category.EndedSooner: endedSooner++; break;
                    case Category.Full: full++; break;
                    default: nothing++; break;
                }
            }
        }

        return new LentShareBreakdown(completed, onLent, longJobs, noLendable, outlasted, endedSooner, full, nothing);
    }

    private static Category Classify(
        SimJob job, TimeSpan at, IEnumerable<SimNode> nodes, Dictionary<string, List<(TimeSpan From, TimeSpan To)>> lentPeriods, Dictionary<string, int> used)
    {
        var lentThen = nodes
            .Where(n => job.GpuModels.IsDefaultOrEmpty || job.GpuModels.Contains(n.Pool, StringComparer.Ordinal))
            .Select(n => (Node: n, Until: LentUntil(lentPeriods, n.Name, at)))
            .Where(x => x.Until is not null)
            .ToList();
        if (lentThen.Count == 0)
        {
            return Category.Nothing;
        }

        var withRoom = lentThen.Where(x => x.Node.Gpus - used.GetValueOrDefault(x.Node.Name) >= Math.Max(1, job.Gpus)).ToList();
        return withRoom.Count == 0 ? Category.Full
            : withRoom.Any(x => x.Until >= at + job.Declared) ? Category.Outlasted
            : Category.EndedSooner;
    }

    /// <summary>When the lend of <paramref name="node"/> that covers <paramref name="at"/> ends, or null when it is not lent then.</summary>
    private static TimeSpan? LentUntil(Dictionary<string, List<(TimeSpan From, TimeSpan To)>> lentPeriods, string node, TimeSpan at) =>
        lentPeriods.TryGetValue(node, out var periods) && periods.FindIndex(p => p.From <= at && at < p.To) is var i and >= 0 ? periods[i].To : null;

    /// <summary>Per node, the intervals [lent, reclaim began) in virtual time; a node still lent at the end has <see cref="TimeSpan.MaxValue"/>.</summary>
    private static Dictionary<string, List<(TimeSpan From, TimeSpan To)>> LentPeriods(IEnumerable<PoolDecision> decisions, DateTimeOffset origin)
    {
        var periods = new Dictionary<string, List<(TimeSpan From, TimeSpan To)>>(StringComparer.Ordinal);
        var since = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var d in decisions.Select(p => p.Decision))
        {
            if (d.To == NodeMode.OfflineNormal)
            {
                since[d.Node] = d.At - origin;
            }
            else if (d.From == NodeMode.OfflineNormal && since.Remove(d.Node, out var from))
            {
                Add(d.Node, from, d.At - origin);
            }
        }

        foreach (var (node, from) in since)
        {
            Add(node, from, TimeSpan.MaxValue);
        }

        return periods;

        void Add(string node, TimeSpan from, TimeSpan to)
        {
            if (!periods.TryGetValue(node, out var list))
            {
                periods[node] = list = [];
            }

            list.Add((from, to));
        }
    }

    private enum Category
    {
        OnLent,
        Long,
        NoLendablePool,
        Outlasted,
        EndedSooner,
        Full,
        Nothing,
    }
}
