using WPAI.Abstractions.Contracts;
using WPAI.Domain.Scheduling;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Replay;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// The mixing metrics of one run. A <em>lent machine</em> is a node that started OnlineNormal (training can only run there
/// while the controller has lent it). Definitions:
/// <list type="bullet">
/// <item><c>lentShare</c> = completed training jobs whose completing run ran on a lent machine / completed training jobs (whole replay);</item>
/// <item><c>killRate</c> = runs killed by a reclaim (the controllers' decisions' <c>KilledJobs</c>) / runs started on lent machines;</item>
/// <item><c>sloViolationMinutes</c> = Σ over services of the minutes whose demand exceeds ready replicas × capacity QPS (the
/// definition of <c>wpai simulate --inference</c>, at 1-minute resolution; a replica is ready 60 s after it was placed);</item>
/// <item><c>offlineGpuUtilization</c> / <c>offlineGpuAllocation</c> = training GPU use / GPUs held over the training arrival window,
/// as fractions of the whole fleet's GPUs (<see cref="MetricsCalculator"/>'s definitions).</item>
/// </list>
/// </summary>
public static class MixingMetricsCalculator
{
    /// <summary>
    /// Completed lends (a node reaching OfflineNormal) and reclaims (a node reaching OnlineNormal on a handover that began
    /// from OfflineNormal; a lend aborted back to OnlineNormal because its replicas found no room is not a reclaim).
    /// </summary>
    public static (int Lends, int Reclaims) Handovers(IEnumerable<PoolDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        var begunFrom = new Dictionary<string, NodeMode>(StringComparer.Ordinal);
        int lends = 0, reclaims = 0;
        foreach (var d in decisions.Select(p => p.Decision))
        {
            if (d.To == NodeMode.Unnormal)
            {
                begunFrom[d.Node] = d.From;
            }
            else if (d.To == NodeMode.OfflineNormal)
            {
                lends++;
            }
            else if (d.To == NodeMode.OnlineNormal && begunFrom.GetValueOrDefault(d.Node, NodeMode.OfflineNormal) == NodeMode.OfflineNormal)
            {
                reclaims++;
            }
        }

        return (lends, reclaims);
    }

    public static MixingRunMetrics Compute(MixingScenario scenario, MixingPolicy policy, MixingRunResult result)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Unavailable is not null)
        {
            return new MixingRunMetrics(
                policy.Name, policy.Description, result.Unavailable, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                result.SloViolationMinutes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, result.WallSeconds, 0, 0);
        }

        var online = scenario.OnlineNodes;
        var lastNode = new Dictionary<string, string>(StringComparer.Ordinal);
        int completed = 0, completedOnLent = 0, starts = 0, startsOnLent = 0;
        foreach (var e in result.Log.Events)
        {
            if (e.Kind == RunEventKind.Started)
            {
                starts++;
                lastNode[e.JobId] = e.Node!;
                if (online.Contains(e.Node!))
                {
                    startsOnLent++;
                }
            }
            else if (e.Kind == RunEventKind.Stopped && e.Reason == StopReason.Completed)
            {
                completed++;
                if (lastNode.TryGetValue(e.JobId, out var node) && online.Contains(node))
                {
                    completedOnLent++;
                }
            }
        }

        var kills = result.Decisions.Sum(d => d.Decision.KilledJobs.IsDefault ? 0 : d.Decision.KilledJobs.Length);
        var killedJobs = result.Decisions.SelectMany(d => d.Decision.KilledJobs.IsDefault ? [] : d.Decision.KilledJobs).Distinct(StringComparer.Ordinal).Count();
        var (lends, reclaims) = Handovers(result.Decisions);
        var training = MetricsCalculator.Compute(scenario.Workload, result.Log, policy.Name, result.WallSeconds, result.Events);
        var timeline = result.Timeline;
        var (cluster, inference) = GpuUsage(timeline, scenario.Workload.WindowStart, scenario.Workload.WindowEnd, scenario.Workload.FleetGpus);
        return new MixingRunMetrics(
            policy.Name,
            policy.Description,
            null,
            completed == 0 ? 0 : (double)completedOnLent / completed,
            completed,
            completedOnLent,
            startsOnLent == 0 ? 0 : (double)kills / startsOnLent,
            kills,
            result.KillStopsObserved,
            startsOnLent,
            starts,
            killedJobs,
            result.SloViolationMinutes.Values.Sum(),
            result.SloViolationMinutes,
            training.GpuUtilization,
            training.GpuAllocation,
            training.WaitP50Seconds,
            training.WaitP95Seconds,
            training.JctP50Seconds,
            training.JobsNeverStarted,
            lends,
            reclaims,
            result.Decisions.Length,
            timeline.IsEmpty ? 0 : timeline.Average(s => s.LentNodes),
            timeline.IsEmpty ? 0 : timeline.Max(s => s.LentNodes),
            result.WallSeconds,
            result.Events,
            result.Ticks,
            result.Note)
        {
            QueueDelayMeanSeconds = training.WaitMeanSeconds,
            QueueDelayP95Seconds = training.WaitP95Seconds,
            ClusterGpuUsage = cluster,
            InferenceGpuUsage = inference,
            LostGpuHours = result.LostGpuHours,
            Breakdown = LentShareBreakdown.Compute(
                scenario.Workload.Nodes, online, scenario.Workload.Jobs.ToDictionary(j => j.Id, StringComparer.Ordinal), result.Log, result.Decisions,
                GrainReplayEngine.Origin, new SchedulingOptions().LongJobThreshold),
            CheckpointableKills = result.Decisions.SelectMany(d => d.Decision.KilledJobs.IsDefault ? [] : d.Decision.KilledJobs).Count(scenario.CheckpointableJobs.Contains),
        };
    }

    /// <summary>
    /// Mean over the ticks in [<paramref name="from"/>, <paramref name="to"/>] of (inference + training GPUs held) / fleet GPUs,
    /// and of inference GPUs alone; zeros without a tick there.
    /// </summary>
    public static (double Cluster, double Inference) GpuUsage(IReadOnlyList<MixingSample> timeline, TimeSpan from, TimeSpan to, int fleetGpus)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var inWindow = timeline.Where(s => s.At >= from && s.At <= to).ToList();
        if (inWindow.Count == 0 || fleetGpus <= 0)
        {
            return (0, 0);
        }

        return (inWindow.Average(s => s.InferenceGpus + s.TrainingGpus) / fleetGpus, inWindow.Average(s => s.InferenceGpus) / (double)fleetGpus);
    }
}
