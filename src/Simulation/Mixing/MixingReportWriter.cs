using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WPAI.Simulation.Replay;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// Writes <c>report.json</c> (<c>runs[]</c> with policy, lentShare, killRate, sloViolationMinutes, offlineGpuUtilization, …),
/// <c>report.md</c>, one PNG per policy, and per policy the per-run job rows and the per-tick pool rows (<see cref="MixingCsv"/>).
/// </summary>
public static class MixingReportWriter
{
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<IReadOnlyList<string>> WriteAsync(
        MixingSimulationOptions arguments, MixingScenario scenario, IReadOnlyList<(MixingRunMetrics Metrics, MixingRunResult Result)> runs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(runs);
        Directory.CreateDirectory(arguments.Out);
        var written = new List<string>();
        var jsonPath = Path.Combine(arguments.Out, "report.json");
        await File.WriteAllTextAsync(jsonPath, ToJson(arguments, scenario, [.. runs.Select(r => r.Metrics)]).ToJsonString(Json), cancellationToken);
        written.Add(jsonPath);
        foreach (var (metrics, result) in runs.Where(r => r.Metrics.Unavailable is null))
        {
            var jobs = Path.Combine(arguments.Out, MixingCsv.JobsFileName(metrics.Policy));
            MixingCsv.WriteJobs(scenario, result, jobs);
            var pools = Path.Combine(arguments.Out, MixingCsv.PoolsFileName(metrics.Policy));
            MixingCsv.WritePools(result.PoolTimeline, pools);
            written.Add(jobs);
            written.Add(pools);
        }

        var plots = new List<string>();
        foreach (var (metrics, result) in runs.Where(r => r.Metrics.Unavailable is null && !r.Result.Timeline.IsEmpty))
        {
            var png = Path.Combine(arguments.Out, $"mixing-{metrics.Policy}.png");
            MixingPlot.Save(png, $"{metrics.Policy}: online usage and lent nodes", result.Timeline, GrainReplayEngine.Origin);
            plots.Add(png);
        }

        var mdPath = Path.Combine(arguments.Out, "report.md");
        await File.WriteAllTextAsync(mdPath, ToMarkdown(arguments, scenario, [.. runs.Select(r => r.Metrics)], plots), cancellationToken);
        written.Add(mdPath);
        written.AddRange(plots);
        return written;
    }

    public static IReadOnlyList<string> Assumptions(MixingSimulationOptions a, MixingScenario s)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(s);
        var c = CultureInfo.InvariantCulture;
        return
        [
            string.Create(c, $"Split: in each pool the first ⌊{a.OnlineShare} × nodes⌋ nodes by name start OnlineNormal (serve inference, may be lent), the rest Fixed (training only, never lent); a pool of one node stays Fixed. Online {s.OnlineGpuNodes} nodes / {s.OnlineGpus} GPUs, Fixed {s.GpuNodes - s.OnlineGpuNodes} nodes / {s.FixedGpus} GPUs{(s.HasCpuPool ? " (GPU nodes; the cpu pool below)" : string.Empty)}."),
            string.Create(c, $"Training: the openb pods prepared as by `wpai simulate` (jobs > {a.MaxDuration.TotalDays:0.#} d and {(s.HasCpuPool ? "CPU-only pods kept as CPU jobs (below)" : "CPU-only pods left out")}, 10 Zipf departments with equal quotas, Philly-shaped utilization), arrivals compressed so that training asks for {TrainingDemand(a, s)}: offered load {s.Workload.OfferedLoad:0.###} of the whole scaled fleet's {s.Workload.FleetGpus} GPUs{(a.Arrivals is { } k ? string.Create(c, $", only the arrivals of the first {k.TotalDays:0.##} d kept (the whole trace compressed so that these ask for it)") : string.Empty)}; scheduled by the `wpai` preset (jobs expected to run > 12 h only on Fixed nodes); a killed job restarts from the beginning, except under the -checkpoint policies (below)."),
            string.Create(c, $"Checkpoints (only the policies ending in -checkpoint): {a.CheckpointableShare:P0} of the jobs (seeded draw) declare themselves checkpointable ({s.CheckpointableJobs.Count:N0} jobs); such a job saves a checkpoint every {a.CheckpointInterval.TotalMinutes:0} min of run time, is warned before a reclaim kills it (the grace lets the last checkpoint finish), and loses only the run time since its last checkpoint: its next run does the rest. Lost GPU-hours = Σ over reclaim kills of (run time lost × GPUs)."),
            string.Create(c, $"Inference: one service per (pool with online nodes, load file); a replica takes 1 GPU with the node's CPU and memory per GPU, serves {a.CapacityQps} QPS and the services scale to {MixingScenario.TargetUtilization:P0} of it; min 1 replica, max the pool's online GPUs. The loads count equally (each divided by its median daily peak over the replayed days); their sum is scaled so that the median replayed day's peak of the pool's services together asks for {a.PeakBusy:P0} of the pool's online GPUs at the target (so the online half is busy at the daily peak; peaks above the median day's, e.g. Twitter bursts, ask for more)."),
            "Load days: virtual day 0 (2026-01-01, a Thursday, 00:00 UTC) is the file's first whole Thursday (times as written in the file, read as UTC); the file's whole weeks repeat in order; linear interpolation between points.",
            string.Create(c, $"Ticks every {a.Tick.TotalMinutes:0} min of virtual time: for each service the load of every minute since the last tick is reported and the minutes are accounted for SLO with the replicas it had (ready 60 s after placement), then the service is evaluated (the grain places replicas on OnlineNormal nodes through the pool scheduler); then every pool's IMixingControllerGrain ticks; then scheduling passes. Training completions and arrivals are processed at their exact times. 5 minutes: the load files step at 5 and 30 minutes, the controllers' minimum dwell is 30 minutes, and the SLO is still accounted per minute."),
            string.Create(c, $"Warm-up: {a.WarmUp.TotalHours:0} h of inference only before the first training arrival, so the forecasters have history (they train from 2 days of history); forecasters retrain every {a.Retrain.TotalHours:0} h (grain default 6 h, longer here for speed) and each training is awaited, so runs are deterministic."),
            .. CpuAssumptions(a, s),
            "Metrics reported to the services: QPS every minute; GPU utilization = demand / ready capacity; no latency or error model (reported as 0), so QPS drives scaling.",
            string.Create(c, $"The replay ends {a.Drain.TotalHours:0} h after the last training arrival; lentShare and killRate count the whole replay, offline GPU utilization, cluster GPU usage and queueing delays the training arrival window (fractions of all {s.Workload.FleetGpus} GPUs)."),
        ];
    }

    /// <summary>The CPU pools' part of the scenario, in words (none without CPU-only nodes).</summary>
    public static IReadOnlyList<string> CpuAssumptions(MixingSimulationOptions a, MixingScenario s)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(s);
        if (!s.HasCpuPool)
        {
            return [];
        }

        var c = CultureInfo.InvariantCulture;
        return
        [
            string.Create(c, $"CPU pool: the CPU-only nodes form the `cpu` pool, split like the GPU pools: {s.OnlineCpuCores} cores online, {s.FixedCpuCores} cores Fixed (whole cores; the controller counts this pool in cores, `MixingUnit`). The GPU numbers (lentShare, killRate, lost GPU-h, queue delay, cluster GPU usage, the breakdown) count the GPU jobs and GPU pools only; the CPU pool has its own."),
            string.Create(c, $"CPU training: the CPU-only pods (0 GPUs) are {s.CpuJobs:N0} training jobs of the `cpu` pool (prepared like the GPU jobs, apart from them: the GPU jobs are the same with or without them); their arrivals are compressed on their own, from their first arrival, so that they ask for {(a.OfferedLoad is { } o ? string.Create(c, $"--offered-load {o} of the CPU pool's cores") : string.Create(c, $"{a.TrainingLoad} × the {s.FixedCpuCores} Fixed cores"))} (offered load {s.Workload.CpuOfferedLoad:0.###} of its {s.CpuCores} cores); jobs expected to run > 12 h only on Fixed nodes, as for GPU jobs."),
            string.Create(c, $"CPU inference: the `cpu` pool gets one service per load file, driven by the same files as the GPU pools (the data has no CPU-specific inference series; the same daily shape keeps the CPU pool's room to lend comparable with the GPU pools'). A replica is {MixingScenario.CpuReplicaCores} cores (no GPU) with the node's memory per core, serves {a.CapacityQps} QPS and scales at {MixingScenario.TargetUtilization:P0} of it, max the pool's online cores / {MixingScenario.CpuReplicaCores}; the loads are scaled so that the median replayed day's peak asks for {a.PeakBusy:P0} of the online cores. The QPS per replica only sets the unit: the load is scaled to the replicas' capacity."),
        ];
    }

    /// <summary>How training demand was sized, in words.</summary>
    public static string TrainingDemand(MixingSimulationOptions a, MixingScenario s)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(s);
        return a.OfferedLoad is { } offered
            ? string.Create(CultureInfo.InvariantCulture, $"offered load {offered} of all GPUs (--offered-load)")
            : string.Create(CultureInfo.InvariantCulture, $"{a.TrainingLoad} × the {s.FixedGpus} Fixed GPUs (--training-load)");
    }

    public static JsonObject ToJson(MixingSimulationOptions a, MixingScenario s, IReadOnlyList<MixingRunMetrics> runs)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(runs);
        var pools = new JsonArray();
        foreach (var p in s.Pools)
        {
            pools.Add(new JsonObject
            {
                ["pool"] = p.Pool,
                ["onlineNodes"] = new JsonArray([.. p.OnlineNodes.Select(n => (JsonNode)n)]),
                ["onlineGpus"] = p.OnlineGpus,
                ["fixedNodes"] = new JsonArray([.. p.FixedNodes.Select(n => (JsonNode)n)]),
                ["fixedGpus"] = p.FixedGpus,
                ["onlineCores"] = p.IsCpu ? p.OnlineCores : null,
                ["fixedCores"] = p.IsCpu ? p.FixedCores : null,
            });
        }

        var services = new JsonArray();
        foreach (var v in s.Services)
        {
            services.Add(new JsonObject
            {
                ["name"] = v.Name,
                ["pool"] = v.Pool,
                ["file"] = v.Load.File,
                ["fileFirstDay"] = v.Load.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["cycleDays"] = v.Load.CycleDays,
                ["qpsPerFileUnit"] = Round(v.Load.Scale, 6),
                ["poolOnlineGpus"] = v.PoolOnlineGpus,
                ["poolOnlineCores"] = v.IsCpu ? v.PoolOnlineCores : null,
                ["medianDailyPeakQps"] = Round(v.MedianDailyPeakQps),
                ["maxDailyPeakQps"] = Round(v.MaxDailyPeakQps),
                ["capacityQps"] = v.Spec.CapacityQps,
                ["targetQps"] = v.Spec.CapacityQps * MixingScenario.TargetUtilization,
                ["maxReplicas"] = v.Spec.MaxReplicas,
            });
        }

        var runArray = new JsonArray();
        var noMixing = runs.FirstOrDefault(r => r.Policy == MixingPolicies.NoMixing.Name && r.Unavailable is null);
        foreach (var r in runs)
        {
            var slo = new JsonObject();
            foreach (var (service, minutes) in r.SloViolationMinutesByService.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                slo[service] = Round(minutes);
            }

            runArray.Add(new JsonObject
            {
                ["policy"] = r.Policy,
                ["description"] = r.Description,
                ["unavailable"] = r.Unavailable,
                ["note"] = r.Note,
                ["lentShare"] = Round(r.LentShare, 4),
                ["completedJobs"] = r.CompletedJobs,
                ["completedOnLent"] = r.CompletedOnLent,
                ["killRate"] = Round(r.KillRate, 5),
                ["kills"] = r.Kills,
                ["killStopsObserved"] = r.KillStopsObserved,
                ["jobsKilledAtLeastOnce"] = r.JobsKilledAtLeastOnce,
                ["startsOnLent"] = r.StartsOnLent,
                ["starts"] = r.Starts,
                ["sloViolationMinutes"] = Round(r.SloViolationMinutes),
                ["sloViolationMinutesByService"] = slo,
                ["offlineGpuUtilization"] = Round(r.OfflineGpuUtilization, 4),
                ["offlineGpuAllocation"] = Round(r.OfflineGpuAllocation, 4),
                ["waitP50Seconds"] = Round(r.WaitP50Seconds),
                ["waitP95Seconds"] = Round(r.WaitP95Seconds),
                ["jctP50Seconds"] = Round(r.JctP50Seconds),
                ["queueDelayMeanSeconds"] = Round(r.QueueDelayMeanSeconds),
                ["queueDelayP95Seconds"] = Round(r.QueueDelayP95Seconds),
                ["clusterGpuUsage"] = Round(r.ClusterGpuUsage, 4),
                ["inferenceGpuUsage"] = Round(r.InferenceGpuUsage, 4),
                ["lostGpuHours"] = Round(r.LostGpuHours, 2),
                ["checkpointableKills"] = r.CheckpointableKills,
                ["notOnLent"] = r.Breakdown is { } b ? new JsonObject
                {
                    ["long"] = b.Long,
                    ["noLendablePool"] = b.NoLendablePool,
                    ["fixedWhileLentRoomOutlasted"] = b.FixedWhileLentRoomOutlasted,
                    ["fixedWhileLentRoomEndedSooner"] = b.FixedWhileLentRoomEndedSooner,
                    ["fixedWhileLentFull"] = b.FixedWhileLentFull,
                    ["fixedNothingLent"] = b.FixedNothingLent,
                    ["neverLendableShareOfCompleted"] = Round(b.NeverLendableShareOfCompleted, 4),
                } : null,
                ["gpuUsageGap"] = r.Gap is { } gap ? GapJson(gap) : null,
                ["queueDelayReductionVsNoMixing"] = noMixing is null ? null : Ratio(MixingTargets.QueueDelayReduction(r, noMixing)),
                ["jctReductionVsNoMixing"] = noMixing is null ? null : Ratio(MixingTargets.JctReduction(r, noMixing)),
                ["clusterGpuUsageVsNoMixing"] = noMixing is null ? null : Ratio(MixingTargets.ClusterUsageGain(r, noMixing)),
                ["jobsNeverStarted"] = r.JobsNeverStarted,
                ["lends"] = r.Lends,
                ["reclaims"] = r.Reclaims,
                ["decisions"] = r.DecisionCount,
                ["meanLentNodes"] = Round(r.MeanLentNodes),
                ["peakLentNodes"] = r.PeakLentNodes,
                ["ticks"] = r.Ticks,
                ["events"] = r.Events,
                ["wallSeconds"] = Round(r.WallSeconds, 1),
                ["lentShareCpu"] = r.Cpu is { } u ? Round(u.LentShare, 4) : null,
                ["completedCpuJobs"] = r.Cpu?.CompletedJobs,
                ["completedOnLentCpu"] = r.Cpu?.CompletedOnLent,
                ["killRateCpu"] = r.Cpu is { } k ? Round(k.KillRate, 5) : null,
                ["killsCpu"] = r.Cpu?.Kills,
                ["startsOnLentCpu"] = r.Cpu?.StartsOnLent,
                ["startsCpu"] = r.Cpu?.Starts,
                ["lostCoreHours"] = r.Cpu is { } l ? Round(l.LostCoreHours, 2) : null,
                ["clusterCpuUsage"] = r.Cpu is { } g ? Round(g.ClusterCpuUsage, 4) : null,
                ["inferenceCpuUsage"] = r.Cpu is { } i ? Round(i.InferenceCpuUsage, 4) : null,
                ["queueDelayMeanSecondsCpu"] = r.Cpu is { } q ? Round(q.QueueDelayMeanSeconds) : null,
                ["sloViolationMinutesCpu"] = r.Cpu is { } v ? Round(v.SloViolationMinutes) : null,
                ["meanLentCpuNodes"] = r.Cpu is { } n ? Round(n.MeanLentNodes) : null,
                ["lendsCpu"] = r.Cpu?.Lends,
                ["reclaimsCpu"] = r.Cpu?.Reclaims,
                ["clusterCpuUsageVsNoMixing"] = noMixing is null ? null : Ratio(MixingTargets.ClusterCpuUsageGain(r, noMixing)),
            });
        }

        var targets = new JsonArray();
        foreach (var (policy, target, met, measured) in MixingTargets.Verdicts(runs))
        {
            targets.Add(new JsonObject { ["policy"] = policy, ["target"] = target, ["met"] = met, ["measured"] = measured });
        }

        return new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["kind"] = "mixing",
            ["source"] = new JsonObject
            {
                ["nodes"] = a.Nodes,
                ["pods"] = a.Pods,
                ["inference"] = new JsonArray([.. a.LoadFiles.Select(f => (JsonNode)f)]),
            },
            ["settings"] = new JsonObject
            {
                ["fleetScale"] = a.FleetScale,
                ["trainingLoad"] = a.OfferedLoad is null ? a.TrainingLoad : null,
                ["offeredLoad"] = Round(s.Workload.OfferedLoad, 4),
                ["arrivalsHours"] = a.Arrivals?.TotalHours,
                ["checkpointableShare"] = a.CheckpointableShare,
                ["checkpointIntervalMinutes"] = a.CheckpointInterval.TotalMinutes,
                ["seed"] = a.Seed,
                ["onlineShare"] = a.OnlineShare,
                ["peakBusy"] = a.PeakBusy,
                ["capacityQps"] = a.CapacityQps,
                ["tickSeconds"] = a.Tick.TotalSeconds,
                ["warmUpHours"] = a.WarmUp.TotalHours,
                ["drainHours"] = a.Drain.TotalHours,
                ["retrainHours"] = a.Retrain.TotalHours,
                ["trainingPolicy"] = "wpai",
            },
            ["scenario"] = new JsonObject
            {
                ["nodes"] = s.GpuNodes,
                ["gpus"] = s.Workload.FleetGpus,
                ["onlineNodes"] = s.OnlineGpuNodes,
                ["onlineGpus"] = s.OnlineGpus,
                ["fixedGpus"] = s.FixedGpus,
                ["cpuNodes"] = s.HasCpuPool ? s.CpuNodes : null,
                ["cpuCores"] = s.HasCpuPool ? s.CpuCores : null,
                ["onlineCpuCores"] = s.HasCpuPool ? s.OnlineCpuCores : null,
                ["fixedCpuCores"] = s.HasCpuPool ? s.FixedCpuCores : null,
                ["cpuTrainingJobs"] = s.HasCpuPool ? s.CpuJobs : null,
                ["cpuOfferedLoad"] = s.HasCpuPool ? Round(s.Workload.CpuOfferedLoad, 4) : null,
                ["trainingJobs"] = s.GpuJobs,
                ["trainingWindowStartHours"] = Round(s.Workload.WindowStart.TotalHours),
                ["trainingWindowEndHours"] = Round(s.Workload.WindowEnd.TotalHours),
                ["replayEndHours"] = Round(s.End.TotalHours),
                ["replayedDays"] = s.ReplayedDays,
                ["split"] = pools,
                ["services"] = services,
            },
            ["assumptions"] = new JsonArray([.. Assumptions(a, s).Select(x => (JsonNode)x)]),
            ["runs"] = runArray,
            ["targets"] = targets,
        };
    }

    /// <summary>The per-policy table (also printed by the command).</summary>
    public static string Table(IReadOnlyList<MixingRunMetrics> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| policy | lentShare | killRate | kills / starts on lent | lost GPU-h | SLO-violation min | queue delay mean / p95 | JCT p50 | cluster GPU usage | offline GPU util | lends / reclaims | mean lent nodes | never started |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            if (r.Unavailable is not null)
            {
                sb.AppendLine(c, $"| {r.Policy} | not run: {r.Unavailable} | | | | | | | | | | | |");
                continue;
            }

            var d = Reporting.ReportWriter.Duration;
            sb.AppendLine(c, $"| {r.Policy} | {r.LentShare:P1} | {r.KillRate:P2} | {r.Kills} / {r.StartsOnLent} | {r.LostGpuHours:0.#} | {r.SloViolationMinutes:0} | {d(r.QueueDelayMeanSeconds)} / {d(r.QueueDelayP95Seconds)} | {d(r.JctP50Seconds)} | {r.ClusterGpuUsage:P1} | {r.OfflineGpuUtilization:P1} | {r.Lends} / {r.Reclaims} | {r.MeanLentNodes:0.0} | {r.JobsNeverStarted} |");
        }

        return sb.ToString();
    }

    /// <summary>The CPU pools' per-policy table (also printed by the command); empty without CPU-only nodes.</summary>
    public static string CpuTable(IReadOnlyList<MixingRunMetrics> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (!runs.Any(r => r.Cpu is not null))
        {
            return string.Empty;
        }

        var c = CultureInfo.InvariantCulture;
        var noMixing = runs.FirstOrDefault(r => r.Policy == MixingPolicies.NoMixing.Name && r.Unavailable is null);
        var sb = new StringBuilder();
        sb.AppendLine("| policy (CPU pool) | lentShare CPU | killRate CPU | kills / starts on lent | lost core-h | SLO-violation min | queue delay mean | cluster CPU usage | vs no-mixing (reference: +38 %) | inference CPU usage | lends / reclaims | mean lent CPU nodes |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs.Where(r => r.Cpu is not null))
        {
            var u = r.Cpu!;
            var gain = noMixing is null ? null : MixingTargets.ClusterCpuUsageGain(r, noMixing);
            sb.AppendLine(c, $"| {r.Policy} | {u.LentShare:P1} ({u.CompletedOnLent:N0} / {u.CompletedJobs:N0}) | {u.KillRate:P2} | {u.Kills} / {u.StartsOnLent} | {u.LostCoreHours:0.#} | {u.SloViolationMinutes:0} | {Reporting.ReportWriter.Duration(u.QueueDelayMeanSeconds)} | {u.ClusterCpuUsage:P1} | {(gain is { } g ? string.Create(c, $"{g - 1:+0.0%;-0.0%}") : "n/a")} | {u.InferenceCpuUsage:P1} | {u.Lends} / {u.Reclaims} | {u.MeanLentNodes:0.0} |");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Completed jobs by where their completing run started (<see cref="LentShareBreakdown"/>): on a lent machine, long (Fixed
    /// only), accepting no pool with lendable nodes, or on a Fixed node while lent room that outlasted it existed / lent room taken back sooner existed / lent nodes
    /// were full / nothing was lent in its pools.
    /// </summary>
    public static string BreakdownTable(IReadOnlyList<MixingRunMetrics> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| policy | completed | on lent | long (> 12 h, Fixed only) | no lendable pool | Fixed, lent room outlasting it | Fixed, lent room taken back sooner | Fixed, lent nodes full | Fixed, nothing lent in its pools |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs.Where(r => r.Breakdown is not null))
        {
            var b = r.Breakdown!;
            string P(int n) => string.Create(c, $"{n:N0} ({(b.Completed == 0 ? 0 : (double)n / b.Completed):P1})");
            sb.AppendLine(c, $"| {r.Policy} | {b.Completed:N0} | {P(b.OnLent)} | {P(b.Long)} | {P(b.NoLendablePool)} | {P(b.FixedWhileLentRoomOutlasted)} | {P(b.FixedWhileLentRoomEndedSooner)} | {P(b.FixedWhileLentFull)} | {P(b.FixedNothingLent)} |");
        }

        return sb.ToString();
    }

    /// <summary>The GPU-hours of <see cref="GpuUsageGap"/> as report.json writes them.</summary>
    public static JsonObject GapJson(GpuUsageGap gap)
    {
        ArgumentNullException.ThrowIfNull(gap);
        JsonArray Rows(IEnumerable<GpuUsageGap.Row> rows, string key)
        {
            var array = new JsonArray();
            foreach (var row in rows)
            {
                var o = new JsonObject { [key] = row.Key, ["gpus"] = row.Gpus };
                for (var i = 0; i < GpuUsageGap.StateNames.Length; i++)
                {
                    o[GpuUsageGap.StateNames[i]] = Round(row.GpuHours[i], 1);
                }

                array.Add(o);
            }

            return array;
        }

        return new JsonObject
        {
            ["windowHours"] = Round(gap.WindowHours, 2),
            ["ceilingGpus"] = Round(gap.CeilingGpus, 2),
            ["ceilingUsage"] = Round(gap.FleetGpus == 0 ? 0 : gap.CeilingGpus / gap.FleetGpus, 4),
            ["usedGpus"] = Round(gap.UsedGpus, 2),
            ["gapGpuHours"] = Round(gap.GapGpuHours, 1),
            ["lostToKillsGpuHours"] = Round(gap.LostToKillsGpuHours, 1),
            ["onlineHorizonHours"] = GpuUsageGap.Horizon.TotalHours,
            ["pools"] = Rows(gap.Pools, "pool"),
            ["hoursOfDayUtc"] = Rows(gap.Hours, "hour"),
        };
    }

    /// <summary>
    /// Where each policy's GPU-hours went over the arrival window, by pool and by hour of the day (UTC), against the ceiling
    /// (<see cref="GpuUsageGap"/>).
    /// </summary>
    public static string GapTables(IReadOnlyList<MixingRunMetrics> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        const string Header = " | GPUs | inference | training, Fixed | training, online nodes | Fixed idle: a queued job fits | Fixed idle: queued, none fits | Fixed idle: nothing queued | lent idle: a short queued job fits | lent idle: queued, none short and fits | lent idle: nothing queued | online not lent, idle: free of replicas 3 h, queued | online not lent, idle: replicas within 3 h, queued | online not lent, idle: nothing queued |";
        const string Rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
        foreach (var r in runs.Where(r => r.Gap is not null))
        {
            var g = r.Gap!;
            var used = g.Pools.Sum(p => p.Used);
            sb.AppendLine(c, $"**{r.Policy}**: window {g.WindowHours:0.#} h; held {used:N0} GPU-h ({g.UsedGpus:0.0} GPUs, {(g.FleetGpus == 0 ? 0 : g.UsedGpus / g.FleetGpus):P1}); ceiling {g.CeilingGpus * g.WindowHours:N0} GPU-h ({g.CeilingGpus:0.0} GPUs, {(g.FleetGpus == 0 ? 0 : g.CeilingGpus / g.FleetGpus):P1}); gap {g.GapGpuHours:N0} GPU-h; run time thrown away by reclaim kills {g.LostToKillsGpuHours:N0} GPU-h (inside the training columns). GPU-hours over the window:");
            sb.AppendLine();
            sb.AppendLine("| pool" + Header);
            sb.AppendLine(Rule);
            foreach (var row in g.Pools)
            {
                sb.AppendLine(c, $"| {row.Key} | {row.Gpus} | {string.Join(" | ", row.GpuHours.Select(x => x.ToString("N0", c)))} |");
            }

            var all = Enumerable.Range(0, GpuUsageGap.StateNames.Length).Select(i => g.Pools.Sum(p => p.GpuHours[i])).ToList();
            sb.AppendLine(c, $"| **all** | {g.Pools.Sum(p => p.Gpus)} | {string.Join(" | ", all.Select(x => x.ToString("N0", c)))} |");
            sb.AppendLine();
            sb.AppendLine("| hour (UTC)" + Header);
            sb.AppendLine(Rule);
            foreach (var row in g.Hours)
            {
                sb.AppendLine(c, $"| {row.Key} | {row.Gpus} | {string.Join(" | ", row.GpuHours.Select(x => x.ToString("N0", c)))} |");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    public static string ToMarkdown(MixingSimulationOptions a, MixingScenario s, IReadOnlyList<MixingRunMetrics> runs, IReadOnlyList<string> plots)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(plots);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# Online/offline mixing simulation");
        sb.AppendLine();
        sb.AppendLine(c, $"Training `{Path.GetFileName(a.Pods)}` on `{Path.GetFileName(a.Nodes)}` at fleet scale {a.FleetScale} ({s.GpuNodes} GPU nodes, {s.Workload.FleetGpus} GPUs, {s.GpuJobs:N0} GPU jobs{(s.HasCpuPool ? string.Create(c, $"; {s.CpuNodes} CPU-only nodes, {s.CpuCores} cores, {s.CpuJobs:N0} CPU jobs") : string.Empty)}), online share {a.OnlineShare}, training demand {TrainingDemand(a, s)} (offered load {s.Workload.OfferedLoad:0.###} of all GPUs); inference from {string.Join(", ", a.LoadFiles.Select(f => $"`{Path.GetFileName(f)}`"))}; seed {a.Seed}. Training arrivals from {s.Workload.WindowStart.TotalDays:0.##} d to {s.Workload.WindowEnd.TotalDays:0.##} d of virtual time, replay to {s.End.TotalDays:0.##} d.");
        sb.AppendLine();
        sb.AppendLine("## Split and services");
        sb.AppendLine();
        sb.AppendLine("| pool | online nodes | online GPUs | Fixed nodes | Fixed GPUs |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var p in s.Pools)
        {
            if (p.IsCpu)
            {
                sb.AppendLine(c, $"| {p.Pool} | {p.OnlineNodes.Length} | 0 ({p.OnlineCores} cores) | {p.FixedNodes.Length} | 0 ({p.FixedCores} cores) |");
            }
            else
            {
                sb.AppendLine(c, $"| {p.Pool} | {p.OnlineNodes.Length} | {p.OnlineGpus} | {p.FixedNodes.Length} | {p.FixedGpus} |");
            }
        }

        sb.AppendLine(c, $"| {(s.HasCpuPool ? "**all GPU pools**" : "**all**")} | {s.OnlineGpuNodes} | {s.OnlineGpus} | {s.GpuNodes - s.OnlineGpuNodes} | {s.FixedGpus} |");
        sb.AppendLine();
        sb.AppendLine("| service | pool | file days (from, cycle) | QPS per file unit | pool online GPUs | median / max daily peak QPS | max replicas |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|");
        foreach (var v in s.Services)
        {
            sb.AppendLine(c, $"| {v.Name} | {v.Pool} | {v.Load.FirstDay:yyyy-MM-dd}, {v.Load.CycleDays} d | {v.Load.Scale:0.######} | {(v.IsCpu ? string.Create(c, $"0 ({v.PoolOnlineCores} cores)") : v.PoolOnlineGpus.ToString(c))} | {v.MedianDailyPeakQps:0} / {v.MaxDailyPeakQps:0} | {v.Spec.MaxReplicas} |");
        }

        sb.AppendLine();
        sb.AppendLine("## Results");
        sb.AppendLine();
        sb.Append(Table(runs));
        foreach (var r in runs.Where(r => r.Note is not null))
        {
            sb.AppendLine();
            sb.AppendLine(c, $"Note on {r.Policy}: {r.Note}.");
        }

        if (runs.Any(r => r.Cpu is not null))
        {
            sb.AppendLine();
            sb.AppendLine("## CPU pool (CPU jobs on CPU-only nodes, counted in cores)");
            sb.AppendLine();
            sb.Append(CpuTable(runs));
            sb.AppendLine();
            sb.AppendLine("The reference reports +38 % CPU utilization on its offline training cluster: a figure to compare the cluster CPU usage against no-mixing with, not a target of the issue. The table above counts GPU jobs and GPU pools only.");
        }

        sb.AppendLine();
        sb.AppendLine("## Where the jobs not completed on lent machines ran");
        sb.AppendLine();
        sb.Append(BreakdownTable(runs));
        sb.AppendLine();
        sb.AppendLine("## Where the GPUs go against the ceiling (GPU pools, the arrival window)");
        sb.AppendLine();
        sb.AppendLine("Every GPU at every tick of the arrival window in one state; the ceiling is every job started at its submit on unlimited GPUs, its true run time inside the window, plus the run's inference GPUs. Idle on a Fixed node: a queued job that accepts the pool fits one node's free GPUs (held back by a reservation, a quota or its first pool), queued jobs accept the pool but none fits (too big for the free room of one node), or nothing is queued for the pool. Idle on a lent node: a short queued job fits by GPUs (refused: it would end after the node's expected reclaim), queued jobs accept the pool but none is short and fits, or nothing is queued. Idle on an online node not lent: free of the pool's replicas for the next 3 h (hindsight: room that could have been lent without a reclaim), or used by them within 3 h; with or without jobs queued for the pool. A job that accepts several pools counts as queued in each.");
        sb.AppendLine();
        sb.Append(GapTables(runs));
        sb.AppendLine("## Targets");
        sb.AppendLine();
        sb.AppendLine("| policy | target | verdict | measured |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var (policy, target, met, measured) in MixingTargets.Verdicts(runs))
        {
            sb.AppendLine(c, $"| {policy} | {target} | {MixingTargets.Word(met)} | {measured} |");
        }

        sb.AppendLine();
        sb.AppendLine("Definitions: lentShare = completed training jobs whose completing run ran on a lent machine (a node that started online) / completed jobs; killRate = runs killed by a reclaim (the controllers' decisions) / runs started on lent machines; lost GPU-h = Σ over reclaim kills of run time lost × GPUs (less what checkpoints kept); SLO-violation minutes = minutes where a service's demand exceeds its ready replicas × capacity (as in `wpai simulate --inference`), summed over services (the GPU pools' services; the CPU pool's in its table); queue delay = first start − submit over the arrival window's jobs (a job never started counts until the end of the replay); JCT = completion − submit; cluster GPU usage = GPUs held by inference replicas and training runs together / all GPUs, sampled every tick over the arrival window; offline GPU utilization = training GPU use over the arrival window, as a fraction of all GPUs. With CPU-only nodes these count the GPU jobs and GPU pools only, and the CPU pool's table gives the same for CPU jobs in cores (lost core-h = Σ over reclaim kills of CPU jobs of run time lost × cores; cluster CPU usage = cores held by the CPU pool's replicas and CPU training runs / all its cores, over the CPU jobs' arrival window).");
        sb.AppendLine();
        sb.AppendLine("## Assumptions");
        sb.AppendLine();
        foreach (var line in Assumptions(a, s))
        {
            sb.AppendLine("- " + line);
        }

        if (plots.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Plots");
            sb.AppendLine();
            foreach (var p in plots)
            {
                sb.AppendLine(c, $"![{Path.GetFileNameWithoutExtension(p)}]({Path.GetFileName(p)})");
            }
        }

        return sb.ToString();
    }

    private static JsonNode? Ratio(double? x) => x is { } v ? Round(v, 3) : null;

    private static double Round(double x, int digits = 3) => double.IsFinite(x) ? Math.Round(x, digits) : 0;
}
