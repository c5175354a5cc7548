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
/// These count the GPU training jobs and the GPU pools only. With CPU-only nodes in the fleet the CPU pools get the same
/// metrics in <see cref="MixingCpuMetrics"/>: lentShare and killRate of the CPU jobs on the CPU pools' lent nodes; lost
/// core-hours = Σ over reclaim kills of CPU jobs of run time lost × cores; cluster CPU usage = cores held by the CPU pools'
/// inference replicas and CPU training runs together / all cores of the CPU pools, sampled every tick over the CPU jobs'
/// arrival window; queue delay = first start − submit (never started: end of replay − submit) over the CPU jobs; SLO-violation
/// minutes of the CPU pools' services (the GPU figure sums the GPU pools' services only).
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
        var cpuJobs = scenario.Workload.Jobs.Where(j => j.Gpus == 0).Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        var cpuPools = scenario.Pools.Where(p => p.IsCpu).Select(p => p.Pool).ToHashSet(StringComparer.Ordinal);
        var gpuDecisions = cpuPools.Count == 0 ? result.Decisions : [.. result.Decisions.Where(d => !cpuPools.Contains(d.Pool))];
        var workload = cpuJobs.Count == 0 ? scenario.Workload : scenario.Workload with { Jobs = [.. scenario.Workload.Jobs.Where(j => !cpuJobs.Contains(j.Id))] };
        var log = cpuJobs.Count == 0 ? result.Log : Only(result.Log, id => !cpuJobs.Contains(id));
        var cpuServices = scenario.Services.Where(v => v.IsCpu).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var (completed, completedOnLent, starts, startsOnLent) = LentRuns(log.Events, online);
        var kills = Kills(gpuDecisions);
        var killedJobs = gpuDecisions.SelectMany(d => d.KilledJobs).Distinct(StringComparer.Ordinal).Count();
        var (lends, reclaims) = Handovers(gpuDecisions);
        var training = MetricsCalculator.Compute(workload, log, policy.Name, result.WallSeconds, result.Events);
        var timeline = result.Timeline;
        var (cluster, inference) = GpuUsage(timeline, workload.WindowStart, workload.WindowEnd, workload.FleetGpus);
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
            result.SloViolationMinutes.Where(kv => !cpuServices.Contains(kv.Key)).Sum(kv => kv.Value),
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
                workload.Nodes, online, workload.Jobs.ToDictionary(j => j.Id, StringComparer.Ordinal), log, gpuDecisions,
                GrainReplayEngine.Origin, new SchedulingOptions().LongJobThreshold),
            Gap = GpuUsageGap.Compute(
                result.PoolTimeline,
                scenario.Pools.Where(p => !p.IsCpu).ToDictionary(p => p.Pool, p => p.OnlineGpus, StringComparer.Ordinal),
                workload.Jobs,
                workload.WindowStart,
                workload.WindowEnd,
                scenario.Tick,
                workload.FleetGpus,
                result.LostGpuHours),
            CheckpointableKills = gpuDecisions.SelectMany(d => d.KilledJobs).Count(scenario.CheckpointableJobs.Contains),
            Cpu = scenario.HasCpuPool
                ? Cpu(scenario, result, cpuJobs, [.. result.Decisions.Where(d => cpuPools.Contains(d.Pool))]) with
                {
                    SloViolationMinutes = result.SloViolationMinutes.Where(kv => cpuServices.Contains(kv.Key)).Sum(kv => kv.Value),
                }
                : null,
        };
    }

    /// <summary>The CPU pools' metrics of a run (definitions in the class summary).</summary>
    private static MixingCpuMetrics Cpu(MixingScenario scenario, MixingRunResult result, HashSet<string> cpuJobs, IReadOnlyList<PoolDecision> decisions)
    {
        var events = result.Log.Events.Where(e => cpuJobs.Contains(e.JobId)).ToList();
        var (completed, completedOnLent, starts, startsOnLent) = LentRuns(events, scenario.OnlineNodes);
        var submitted = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var firstStart = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Kind == RunEventKind.Submitted)
            {
                submitted.TryAdd(e.JobId, e.At);
            }
            else if (e.Kind == RunEventKind.Started)
            {
                firstStart.TryAdd(e.JobId, e.At);
            }
        }

        var kills = Kills(decisions);
        var (lends, reclaims) = Handovers(decisions);
        var cpuWorkload = scenario.Workload.Jobs.Where(j => cpuJobs.Contains(j.Id)).ToList();
        var from = cpuWorkload.Count == 0 ? TimeSpan.Zero : cpuWorkload.Min(j => j.Submit);
        var to = cpuWorkload.Count == 0 ? TimeSpan.Zero : cpuWorkload.Max(j => j.Submit);
        var inWindow = result.Timeline.Where(s => s.At >= from && s.At <= to).ToList();
        var cores = (double)scenario.CpuCores;
        var delays = submitted.Select(kv => (firstStart.TryGetValue(kv.Key, out var start) ? start : scenario.End) - kv.Value).ToList();
        return new MixingCpuMetrics(
            completed == 0 ? 0 : (double)completedOnLent / completed,
            completed,
            completedOnLent,
            startsOnLent == 0 ? 0 : (double)kills / startsOnLent,
            kills,
            startsOnLent,
            starts,
            result.LostCoreHours,
            inWindow.Count == 0 ? 0 : inWindow.Average(s => s.InferenceCores + s.TrainingCores) / cores,
            inWindow.Count == 0 ? 0 : inWindow.Average(s => s.InferenceCores) / cores,
            delays.Count == 0 ? 0 : delays.Average(d => d.TotalSeconds),
            result.Timeline.IsEmpty ? 0 : result.Timeline.Average(s => s.LentCpuNodes),
            lends,
            reclaims);
    }

    /// <summary>
    /// Runs started, and those on lent machines (nodes in <paramref name="online"/>, which started online); jobs completed,
    /// and those whose completing run was on a lent machine.
    /// </summary>
    private static (int Completed, int CompletedOnLent, int Starts, int StartsOnLent) LentRuns(IEnumerable<RunEvent> events, ISet<string> online)
    {
        var lastNode = new Dictionary<string, string>(StringComparer.Ordinal);
        int completed = 0, completedOnLent = 0, starts = 0, startsOnLent = 0;
        foreach (var e in events)
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

        return (completed, completedOnLent, starts, startsOnLent);
    }

    /// <summary>Jobs killed by the controllers' <paramref name="decisions"/> (a job killed twice counts twice).</summary>
    private static int Kills(IEnumerable<PoolDecision> decisions) => decisions.Sum(d => d.KilledJobs.Length);

    /// <summary>The events of the jobs <paramref name="keep"/> accepts, in order.</summary>
    private static EventLog Only(EventLog log, Func<string, bool> keep)
    {
        var only = new EventLog();
        foreach (var e in log.Events.Where(e => keep(e.JobId)))
        {
            switch (e.Kind)
            {
                case RunEventKind.Submitted: only.Submitted(e.At, e.JobId); break;
                case RunEventKind.Started: only.Started(e.At, e.JobId, e.Node!, e.Pool!, e.Gpus, e.CpuMilli); break;
                default: only.Stopped(e.At, e.JobId, e.Reason); break;
            }
        }

        return only;
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
