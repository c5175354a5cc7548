using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using WPAI.Simulation.Capacity;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Reporting;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation;

/// <summary>
/// <c>wpai simulate</c> as a library call: loads or generates the workload, prepares it for each offered load, replays it
/// under each policy, computes the metrics, writes the report into <see cref="SimulationOptions.Out"/> and prints a summary.
/// </summary>
public static class SimulationCommand
{
    public static IReadOnlyList<string> Assumptions { get; } =
    [
        "Departments: the traces carry none; 10 departments, a job's department drawn from a seeded hash of its name with Zipf (s = 1) weights.",
        "Quotas (ownership): every GPU of a pool is owned; each pool is shared by largest remainder among the departments whose jobs prefer it, by equal ownership shares (--quota-mode proportional: shares proportional to GPU demand), ties rotating across pools; rounding leaves no such department at 0 where the pool has at least one GPU per department with demand.",
        "A gpu_spec naming a model twice (e.g. V100M16|V100M32|V100M32) keeps each model once; such jobs are counted (repeatedModelJobs).",
        "Per-job GPU utilization: seeded draw from Philly's shape (27 % of jobs near zero, the rest uniform on 20–100 %, median ≈ 45 %), capped at what the pod asked for (gpu_milli / 1000). The simulated driver reports it as the job's usage samples.",
        "Per-job CPU utilization: seeded uniform draw on 25–75 % of the CPU request (the traces record no usage).",
        "GPU utilization of the fleet = Σ over running jobs of min(GPUs given, GPUs asked × job utilization) / fleet GPUs, integrated over the arrival window; CPU likewise.",
        "GPU-sharing pods (gpu_milli < 1000) take one whole GPU in every policy. CPU-only pods are left out (training pools are GPU pools).",
        "Jobs that accept any GPU model get a preferred model drawn (seeded, weighted by pool GPUs) among the pools that can host them, then the other pools by size; fifo and yarn-capacity keep only the preferred model (one partition per job), the other policies try the list in order.",
        "Run time of a job = its trace duration (deletion − creation), at least 1 s; a preempted job restarts from the beginning.",
        "Offered load R scales the arrival times so that GPU-seconds / (fleet GPUs × arrival window) = R; durations are unchanged.",
        "Metrics are measured over the arrival window (first to last arrival); work still pending at its end is backlog (GPU-hours), jobs completed after it are not counted as done in the window. The replay continues until no event is left; jobs never started count their wait up to the end of the replay.",
        "Recurring templates: the traces name none; a seeded share of jobs (--recurring-share, default 0.65) repeat a template. Recurring jobs with the same request (GPUs, GPU share, CPU, memory, GPU models) are taken in submission order and cut into templates of MIN + a geometric count runs (--template-runs MIN,MEAN, default 5,10). Source of the defaults: Weng et al., NSDI'22 (Alibaba PAI): about 65 % of tasks recur, 5 times or more; the mean of 10 runs is assumed. The runs of a template share its department, preferred model and GPU/CPU utilization, each run × (1 ± up to --run-jitter, default 0.1; assumed, no published figure).",
        "Right-sizing (wpai and its ablations except wpai-no-rightsize; no peer): the job grain asks its department for the template's earlier successful runs and sizes the request with RightSizing.Advise — GPUs = ceil(mean over the last 3 runs of GPUs held × effective utilization), never more than asked; CPU request = mean CPU × 1.5. A run's usage samples report the utilization of the GPUs it holds.",
        "Run-time model of a right-sized run (work constant): a job uses GPUs asked × its utilization; given at least that many GPUs it keeps its trace duration, given fewer it stretches to duration × used ÷ given (its GPUs at 100 %). CPU right-sizing never changes a run's duration. A run given what it asked is unchanged.",
    ];

    /// <summary>Runs the simulation with the grain-backed replay engine.</summary>
    public static async Task<SimulationReport> RunAsync(SimulationOptions arguments, IProgress<double>? progress, TextWriter output, CancellationToken cancellationToken = default)
    {
        // Disposed after the report is written: the last replay's silo stops meanwhile.
        await using var engine = new Replay.GrainReplayEngine();
        return await RunAsync(arguments, progress, output, engine, cancellationToken);
    }

    /// <summary>Runs the simulation with the given replay engine.</summary>
    public static async Task<SimulationReport> RunAsync(
        SimulationOptions arguments, IProgress<double>? progress, TextWriter output, IReplayEngine engine, CancellationToken cancellationToken = default)
    {
        arguments.Validate();
        // The trace is read and prepared on another thread while the engine starts its silo; a bad file fails the
        // replay with the reader's error as before.
        var reading = Task.Run(() => Load(arguments), cancellationToken);
        var loads = arguments.EffectiveLoads;
        var total = loads.Count * arguments.Policies.Length;
        var done = 0;
        var runs = new List<RunMetrics>();
        WorkloadSummary? summary = null;
        foreach (var load in loads)
        {
            var preparing = PrepareAsync(arguments, reading, load);
            foreach (var policy in arguments.Policies)
            {
                var at = done;
                var runProgress = progress is null ? null : new Progress<double>(f => progress.Report((at + Math.Clamp(f, 0, 1)) / total));
                var result = await engine.RunAsync(preparing, policy, runProgress, cancellationToken);
                var prepared = await preparing;
                summary ??= Summarize(prepared, arguments);
                var metrics = MetricsCalculator.Compute(prepared, result.Log, policy.Name, result.WallSeconds, result.Events) with
                {
                    Fairness = FairnessCalculator.Compute(prepared, result.Log),
                    AllocatedBytesPerEvent = result.Events > 0 ? result.AllocatedBytes / (double)result.Events : 0,
                };
                runs.Add(metrics);
                Directory.CreateDirectory(arguments.Out);
                JobOutcomes.Write(prepared, result.Log, Path.Combine(arguments.Out, JobOutcomes.FileName(policy.Name, load)));
                if (result.RejectedSubmissions > 0)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{policy.Name}: the platform rejected {result.RejectedSubmissions} submissions (counted as never started), first: {result.FirstRejection}"));
                }

                done++;
                progress?.Report((double)done / total);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{policy.Name,-18} load {metrics.OfferedLoad:0.00}  GPU util {metrics.GpuUtilization:P1}  alloc {metrics.GpuAllocation:P1}  CPU util {metrics.CpuUtilization:P1}  wait p95 {ReportWriter.Duration(metrics.WaitP95Seconds)}  {metrics.Events:N0} events in {metrics.WallSeconds:0.0} s ({metrics.EventsPerSecond:N0}/s, {metrics.AllocatedBytesPerEvent / 1024:N1} KB allocated per event)"));
            }
        }

        var sustainable = ImmutableArray<SustainableLoad>.Empty;
        if (arguments.Sustainable)
        {
            var (nodes, jobs) = await reading;
            sustainable = await FindSustainableAsync(arguments, nodes, jobs, engine, output, cancellationToken);
        }

        var report = new SimulationReport(SimulationReport.CurrentSchemaVersion, summary!, [.. Assumptions, .. PolicyAssumptions(arguments.Policies)], [.. runs])
        {
            SustainableLoad = sustainable,
            SustainableCriteria = arguments.Sustainable ? arguments.Criteria.ToString() : null,
        };
        var written = await ReportWriter.WriteAsync(report, arguments.Out);
        await output.WriteLineAsync();
        await output.WriteLineAsync(ReportWriter.ResultsTable(report.Runs));
        var gains = ReportWriter.GainsTable(report.Runs);
        if (gains.Length > 0)
        {
            await output.WriteLineAsync(gains);
            await output.WriteLineAsync(ReportWriter.TargetVerdict(report.Runs));
        }

        await output.WriteLineAsync($"Report written: {string.Join(", ", written)}");
        return report;
    }

    /// <summary>For each policy, the largest offered load it sustains (<see cref="SustainableLoadSearch"/>), one replay per probe.</summary>
    public static async Task<ImmutableArray<SustainableLoad>> FindSustainableAsync(
        SimulationOptions arguments, IReadOnlyList<SimNode> nodes, IReadOnlyList<SimJob> jobs, IReplayEngine engine, TextWriter output, CancellationToken cancellationToken = default)
    {
        var found = ImmutableArray.CreateBuilder<SustainableLoad>();
        foreach (var policy in arguments.Policies)
        {
            var result = await SustainableLoadSearch.FindAsync(policy.Name, arguments.Criteria, async load =>
            {
                var prepared = WorkloadPreparer.Prepare(arguments.Source, nodes, jobs, WorkloadAt(arguments, load));
                var run = await engine.RunAsync(prepared, policy, null, cancellationToken);
                var metrics = MetricsCalculator.Compute(prepared, run.Log, policy.Name, run.WallSeconds, run.Events);
                var offered = prepared.Jobs.Sum(j => j.GpuSeconds) / 3600;
                var share = offered > 0 ? metrics.BacklogGpuHours / offered : 0;
                var probe = new LoadProbe(load, metrics.WaitP95Seconds, share, arguments.Criteria.Sustains(metrics.WaitP95Seconds, share));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"sustainable? {policy.Name,-14} load {load:0.00}  wait p95 {ReportWriter.Duration(probe.WaitP95Seconds)}  backlog {probe.BacklogShare:P2}  {(probe.Sustained ? "sustained" : "not sustained")}"));
                return probe;
            });
            found.Add(result);
        }

        return found.ToImmutable();
    }

    /// <summary>What each peer preset reproduces of the real system and what it leaves out.</summary>
    public static IEnumerable<string> PolicyAssumptions(IEnumerable<Policies.PolicyPreset> policies) =>
        policies.Where(p => p.Reproduces.Length > 0).Select(p => $"Baseline {p.Name}: reproduces {p.Reproduces}. Leaves out: {p.LeavesOut}.");

    /// <summary>The raw nodes and jobs named by the arguments (read from the trace files, or generated).</summary>
    public static (IReadOnlyList<SimNode> Nodes, IReadOnlyList<SimJob> Jobs) Load(SimulationOptions arguments) =>
        arguments.Synthetic
            ? (SyntheticWorkload.Nodes(arguments.NodeCount), SyntheticWorkload.Jobs(arguments.Jobs, arguments.Days, arguments.Seed))
            : (OpenbNodeReader.Read(arguments.Nodes!), OpenbPodReader.Read(arguments.Pods!));

    private static WorkloadSummary Summarize(PreparedWorkload w, SimulationOptions a)
    {
        var natural = w.TimeCompression > 0 ? (w.WindowEnd - w.WindowStart).TotalHours / w.TimeCompression : 0;
        return new WorkloadSummary(
            w.Source,
            a.Seed,
            a.FleetScale,
            a.QuotaMode.ToString().ToLowerInvariant(),
            a.MaxDuration.TotalSeconds,
            w.Jobs.Length,
            w.Nodes.Length,
            w.FleetGpus,
            w.FleetCpuMilli,
            [.. w.Pools.Select(p => new PoolSummary(p, w.Nodes.Count(n => n.Pool == p), w.Nodes.Where(n => n.Pool == p).Sum(n => n.Gpus)))],
            w.Departments,
            w.Quotas,
            w.ExcludedLongJobs,
            w.ExcludedLongGpuTimeShare,
            w.ExcludedCpuOnlyJobs,
            w.ExcludedUnplaceableJobs,
            w.AnyModelJobs,
            w.NaturalOfferedLoad,
            natural)
        {
            RepeatedModelJobs = w.RepeatedModelJobs,
            Recurrence = w.Recurrence,
            DeclaredOverestimate = w.DeclaredOverestimate,
            TemplatedJobs = w.TemplatedJobs,
            Templates = w.Templates,
        };
    }

    /// <summary>How the trace is prepared for a replay at <paramref name="load"/> (null: its own pace).</summary>
    private static WorkloadOptions WorkloadAt(SimulationOptions arguments, double? load) =>
        new(arguments.Seed, arguments.FleetScale, arguments.QuotaMode, arguments.MaxDuration, load)
        {
            Recurrence = arguments.Recurrence,
            DeclaredOverestimate = arguments.DeclaredOverestimate,
        };

    private static Task<PreparedWorkload> PrepareAsync(SimulationOptions arguments, Task<(IReadOnlyList<SimNode> Nodes, IReadOnlyList<SimJob> Jobs)> reading, double? load) =>
        Task.Run(async () =>
        {
            var (nodes, jobs) = await reading;
            return WorkloadPreparer.Prepare(arguments.Source, nodes, jobs, WorkloadAt(arguments, load));
        });

}
