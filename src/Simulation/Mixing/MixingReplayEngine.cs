using System.Collections.Immutable;
using System.Diagnostics;
using EventLog = WPAI.Simulation.Metrics.EventLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Errors;
using WPAI.Abstractions.Grains;
using WPAI.Domain.Jobs;
using WPAI.Domain.Scheduling;
using WPAI.Grains.Inference;
using WPAI.Grains.Scheduling;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// Replays a <see cref="MixingScenario"/> through WPAI's real grains on virtual time: the silo, clock, storage and cluster driver
/// of <see cref="GrainReplayEngine"/>, training scheduled by the <c>wpai</c> preset, the scenario's online nodes registered
/// OnlineNormal and the rest Fixed, one <see cref="IInferenceServiceGrain"/> per service and one
/// <see cref="IMixingControllerGrain"/> per pool configured with the policy's settings. Events are processed in time order:
/// training completions and arrivals at their exact times and, every tick, (1) each service's SLO accounting for the minutes
/// since the last tick with the replicas it had, its load reported minute by minute, and its evaluation (the grain places or
/// releases replicas on online nodes through the pool scheduler), (2) each pool's controller tick, (3) scheduling passes.
/// Forecaster trainings the services start are awaited (in wall time) before the next tick, so their adoption happens at the
/// same virtual time in every run. No controller logic lives here: lending and reclaiming are the controller grain's.
/// </summary>
public sealed class MixingReplayEngine(Action<string>? trace = null)
{
    private const int MaxPassRounds = 8;

    /// <summary>How long a grain call of the replay may take before it fails (wall time).</summary>
    private static readonly TimeSpan ReplayResponseTimeout = TimeSpan.FromMinutes(10);

    public async Task<MixingRunResult> RunAsync(MixingScenario scenario, MixingPolicy policy, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(policy);
        var wall = Stopwatch.StartNew();
        var clock = new VirtualClock(GrainReplayEngine.Origin);
        var log = new EventLog();
        var workload = scenario.Workload;
        var jobs = new CheckpointedJobDictionary(
            workload.Jobs.ToDictionary(j => j.Id, StringComparer.Ordinal), scenario.CheckpointableJobs, scenario.CheckpointInterval, policy.Checkpoint);
        var driver = new ReplayClusterDriver(clock, log, jobs);

        using var host = GrainReplayEngine.BuildHost(clock, driver, PolicyPresets.Wpai, services =>
        {
            services.Configure<InferenceScalingOptions>(o =>
            {
                o.EvaluationPeriod = TimeSpan.Zero; // the loop evaluates; no wall-clock timer
                o.RetrainInterval = scenario.Retrain;
            });
            services.Configure<SchedulingOptions>(o =>
            {
                o.MatchLentRunTime = policy.MatchRunTime;
                o.LentFirstAcrossPools = policy.LentFirstAcrossPools;
            });

            // A replay on a busy machine can starve a grain turn for longer than Orleans' 30 s default; the loop awaits
            // every call in order, so a late answer is only late, never lost.
            services.PostConfigure<Orleans.Configuration.SiloMessagingOptions>(o => o.ResponseTimeout = ReplayResponseTimeout);
        });
        await host.StartAsync(cancellationToken);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            await GrainReplayEngine.SetUpAsync(grains, workload, n => scenario.OnlineNodes.Contains(n.Name) ? NodeMode.OnlineNormal : NodeMode.Fixed);
            foreach (var service in scenario.Services)
            {
                await grains.GetGrain<IInferenceServiceGrain>(service.Name).DeployAsync(service.Spec);
            }

            var unavailable = await ConfigureControllersAsync(grains, workload.Pools, policy);
            var withControllers = unavailable is null;
            string? note = null;
            if (unavailable is not null && policy.Settings.Policy == Abstractions.Contracts.Mixing.MixingPolicyKind.Off)
            {
                // Without a controller grain nothing is ever lent, which is what Policy Off does: the baseline still runs.
                note = "ran without a controller grain (" + unavailable + "); with Policy Off nothing is lent either way";
                unavailable = null;
            }

            if (unavailable is not null)
            {
                return new MixingRunResult(policy.Name, unavailable, log, 0, 0, wall.Elapsed.TotalSeconds, [], 0, ImmutableDictionary<string, double>.Empty, [], 0, null);
            }

            var run = new Run(grains, host.Services.GetRequiredService<PoolOutbox>(), scenario, withControllers, clock, driver, log, jobs, trace);
            await run.LoopAsync(progress, cancellationToken);
            return new MixingRunResult(
                policy.Name, null, log, run.Events, run.Ticks, wall.Elapsed.TotalSeconds, run.Decisions.ToImmutable(), run.KillStops,
                run.Violations.ToImmutableDictionary(StringComparer.Ordinal), run.Timeline.ToImmutable(), driver.Rejections, driver.FirstRejection, note)
            {
                PoolTimeline = run.PoolTimeline.ToImmutable(),
                LostGpuHours = run.LostGpuHours,
                LostCoreHours = run.LostCoreHours,
            };
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Configures every pool's controller; returns why the controller cannot run, or null.</summary>
    private static async Task<string?> ConfigureControllersAsync(IGrainFactory grains, ImmutableArray<string> pools, MixingPolicy policy)
    {
        foreach (var pool in pools)
        {
            try
            {
                await grains.GetGrain<IMixingControllerGrain>(pool).ConfigureAsync(policy.Settings);
            }
            catch (Exception e) when (e is not WpaiValidationException and not OperationCanceledException)
            {
                return $"the mixing controller grain is not available in this build ({e.GetType().Name}: {e.Message})";
            }
        }

        return null;
    }

    private sealed class Run(
        IGrainFactory grains, PoolOutbox outbox, MixingScenario scenario, bool withControllers, VirtualClock clock, ReplayClusterDriver driver, EventLog log, CheckpointedJobDictionary checkpoints, Action<string>? trace)
    {
        private readonly IMixingControllerGrain[] _controllers = withControllers ? [.. scenario.Workload.Pools.Select(p => grains.GetGrain<IMixingControllerGrain>(p))] : [];
        private readonly Dictionary<string, SimJob> _jobs = scenario.Workload.Jobs.ToDictionary(j => j.Id, StringComparer.Ordinal);
        private readonly bool[] _cpuPool = [.. scenario.Workload.Pools.Select(p => scenario.Pools.Any(s => s.Pool == p && s.IsCpu))];
        private readonly Dictionary<string, (TimeSpan Since, int Gpus, int CpuMilli, string Node)> _running = new(StringComparer.Ordinal);
        private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
        private readonly TimeSpan _longJobThreshold = new SchedulingOptions().LongJobThreshold;
        private readonly List<(string JobId, TimeSpan Elapsed, int Gpus, int CpuMilli)> _reclaimed = [];
        private int _logRead;

        public long Events { get; private set; }

        public long Ticks { get; private set; }

        public int KillStops { get; private set; }

        /// <summary>GPU-hours of run time thrown away by reclaim kills (less what checkpoints kept).</summary>
        public double LostGpuHours { get; private set; }

        /// <summary>Core-hours of run time thrown away by reclaim kills of CPU jobs (0 GPUs; less what checkpoints kept).</summary>
        public double LostCoreHours { get; private set; }

        public ImmutableArray<PoolDecision>.Builder Decisions { get; } = ImmutableArray.CreateBuilder<PoolDecision>();

        public Dictionary<string, double> Violations { get; } = scenario.Services.ToDictionary(s => s.Name, _ => 0.0, StringComparer.Ordinal);

        public ImmutableArray<MixingSample>.Builder Timeline { get; } = ImmutableArray.CreateBuilder<MixingSample>();

        /// <summary>Each GPU pool at each tick (<see cref="PoolUsage"/>), sampled with <see cref="Timeline"/>.</summary>
        public ImmutableArray<MixingPoolSample>.Builder PoolTimeline { get; } = ImmutableArray.CreateBuilder<MixingPoolSample>();

        public async Task LoopAsync(IProgress<double>? progress, CancellationToken cancellationToken)
        {
            var arrivals = scenario.Workload.Jobs;
            var next = 0;
            var nextTick = TimeSpan.Zero;
            var reported = -1;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var at = nextTick;
                if (driver.NextCompletion() is { } completion && completion < at)
                {
                    at = completion;
                }

                if (next < arrivals.Length && arrivals[next].Submit < at)
                {
                    at = arrivals[next].Submit;
                }

                if (at > scenario.End)
                {
                    break;
                }

                clock.AdvanceTo(at);
                foreach (var done in driver.TakeDue(at))
                {
                    var job = _jobs[done.JobId];
                    var grain = grains.GetGrain<IJobGrain>(done.JobId);
                    trace?.Invoke("complete " + done.JobId);
                    await grain.CompleteWithUsageAsync(done.Attempt, succeeded: true, "completed", [new UsageSample(clock.GetUtcNow(), job.GpuUtilization, job.GpuUtilization, job.CpuMilli * job.CpuUtilization)]);
                    Events++;
                }

                while (next < arrivals.Length && arrivals[next].Submit == at)
                {
                    trace?.Invoke("submit " + arrivals[next].Id);
                    await GrainReplayEngine.SubmitAsync(grains, arrivals[next], driver, at, checkpoints.Declares(arrivals[next].Id));
                    next++;
                    Events++;
                }

                if (at == nextTick)
                {
                    await TickAsync(at);
                    nextTick += scenario.Tick;
                }

                await PassesAsync();
                var percent = (int)(100 * Math.Clamp(at / scenario.End, 0, 1));
                if (percent != reported)
                {
                    reported = percent;
                    progress?.Report(percent / 100.0);
                }
            }
        }

        private async Task TickAsync(TimeSpan at)
        {
            Ticks++;
            double qps = 0, served = 0, demandGpus = 0;
            int inferenceGpus = 0, inferenceCores = 0;
            var inferenceByPool = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var service in scenario.Services)
            {
                var grain = grains.GetGrain<IInferenceServiceGrain>(service.Name);
                var before = await grain.GetAsync();
                var capacity = service.Spec.CapacityQps;
                var replicaGpus = before.Replicas.Length * service.Spec.ReplicaResources.Gpus;
                inferenceGpus += replicaGpus;
                inferenceByPool[service.Pool] = inferenceByPool.GetValueOrDefault(service.Pool) + replicaGpus;
                inferenceCores += service.IsCpu ? before.Replicas.Length * Domain.Mixing.MixingUnit.CpuCores.Amount(service.Spec.ReplicaResources) : 0;

                // SLO accounting and load reports for the minutes since the last tick, with the replicas placed then.
                var first = at == TimeSpan.Zero ? at : at - scenario.Tick + TimeSpan.FromMinutes(1);
                for (var m = first; m <= at; m += TimeSpan.FromMinutes(1))
                {
                    var minute = GrainReplayEngine.Origin + m;
                    var demand = service.Load.Qps(m);
                    var ready = before.Replicas.Count(r => r.StartedAt + MixingScenario.StartupDelay <= minute);
                    if (at > TimeSpan.Zero && demand > (ready * capacity) + 1e-9)
                    {
                        Violations[service.Name] += 1;
                    }

                    var gpuUse = ready == 0 ? 1 : Math.Min(1, demand / (ready * capacity));
                    await grain.ReportMetricsAsync(new ServiceMetrics(minute, demand, 0, gpuUse, 0, 0, 0));
                    if (m == at)
                    {
                        qps += demand;
                        served += Math.Min(demand, ready * capacity);
                        demandGpus += demand / (capacity * MixingScenario.TargetUtilization) * service.Spec.ReplicaResources.Gpus;
                    }
                }

                trace?.Invoke("evaluate " + service.Name);
                await grain.EvaluateAsync();
            }

            await AwaitTrainingsAsync();

            int lent = 0, lentCpu = 0, onlineCores = 0;
            var lentNodes = new HashSet<string>(StringComparer.Ordinal);
            var online = withControllers ? 0 : scenario.OnlineGpus;
            for (var p = 0; p < _controllers.Length; p++)
            {
                CountPreemptionStops(byReclaim: false); // scheduler preemptions before this tick are not the controller's
                trace?.Invoke("mixing tick " + scenario.Workload.Pools[p]);
                var decisions = await _controllers[p].TickAsync();
                KillStops += CountPreemptionStops(byReclaim: true);
                await CountLostWorkAsync();
                foreach (var d in decisions)
                {
                    Decisions.Add(new PoolDecision(scenario.Workload.Pools[p], d));
                }

                var view = await _controllers[p].GetAsync();
                lentNodes.UnionWith(view.LentNodes);
                if (_cpuPool[p])
                {
                    lentCpu += view.LentNodes.Length; // a CPU pool counts in cores: kept apart from the GPU pools' nodes and GPUs
                    onlineCores += view.OnlineGpus;
                }
                else
                {
                    lent += view.LentNodes.Length;
                    online += view.OnlineGpus;
                }
            }

            Timeline.Add(new MixingSample(at, lent, demandGpus, online, qps, served, TrainingGpus(), inferenceGpus)
            {
                LentCpuNodes = lentCpu,
                OnlineCores = withControllers ? onlineCores : scenario.OnlineCpuCores,
                InferenceCores = inferenceCores,
                TrainingCores = TrainingCores(),
            });
            PoolTimeline.AddRange(PoolUsage.Sample(
                at, scenario.Workload.Nodes, scenario.OnlineNodes, lentNodes, _running.Values.Select(r => (r.Node, r.Gpus)), inferenceByPool,
                [.. _queued.Select(id => _jobs[id])], _longJobThreshold));
        }

        /// <summary>Waits (wall time) until no service has a forecaster training in flight, so every run adopts models at the same virtual time.</summary>
        private async Task AwaitTrainingsAsync()
        {
            foreach (var service in scenario.Services)
            {
                var grain = grains.GetGrain<IInferenceServiceGrain>(service.Name);
                while ((await grain.GetAsync()).Forecaster.Status is "training" or "retraining")
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20));
                }
            }
        }

        private async Task PassesAsync()
        {
            for (var round = 0; round < MaxPassRounds; round++)
            {
                var placed = 0;
                foreach (var pool in scenario.Workload.Pools)
                {
                    placed += await GrainReplayEngine.PassAfterDeliveryAsync(grains, outbox, pool); // after the ends and node changes it is owed
                }

                if (placed == 0)
                {
                    break;
                }
            }
        }

        /// <summary>
        /// Reads the log since the last call: runs started and stopped; counts preemption stops and, when they are the
        /// controller's (<paramref name="byReclaim"/>), the run time they throw away (<see cref="CheckpointedJobDictionary.Killed"/>).
        /// </summary>
        private int CountPreemptionStops(bool byReclaim)
        {
            var events = log.Events;
            var count = 0;
            for (var i = _logRead; i < events.Count; i++)
            {
                var e = events[i];
                if (e.Kind == RunEventKind.Submitted)
                {
                    _queued.Add(e.JobId);
                }
                else if (e.Kind == RunEventKind.Started)
                {
                    _running[e.JobId] = (e.At, e.Gpus, e.CpuMilli, e.Node!);
                    _queued.Remove(e.JobId);
                }
                else if (e.Kind == RunEventKind.Stopped && e.Reason != StopReason.Preempted)
                {
                    _running.Remove(e.JobId);
                    _queued.Remove(e.JobId); // completed, failed, or rejected at submit
                }
                else if (e.Kind == RunEventKind.Stopped && _running.Remove(e.JobId, out var run))
                {
                    _queued.Add(e.JobId); // a preempted or killed job queues again
                    count++;
                    if (byReclaim)
                    {
                        _reclaimed.Add((e.JobId, e.At - run.Since, run.Gpus, run.CpuMilli));
                    }
                }
            }

            _logRead = events.Count;
            return count;
        }

        /// <summary>
        /// The run time the reclaim kills of the last controller tick threw away: a job the controller warned (a
        /// <c>reclaim-warning</c> in its history, the product's path for checkpointable jobs) keeps its last checkpoint.
        /// </summary>
        private async Task CountLostWorkAsync()
        {
            foreach (var (jobId, elapsed, gpus, cpuMilli) in _reclaimed)
            {
                var warned = checkpoints.Declares(jobId)
                    && (await grains.GetGrain<IJobGrain>(jobId).GetAsync()).History.Any(h => h.Kind == JobLifecycle.ReclaimWarningEvent && h.At > clock.GetUtcNow() - elapsed - TimeSpan.FromSeconds(1));
                var lost = checkpoints.Killed(jobId, elapsed, warned).TotalHours;
                LostGpuHours += lost * gpus;
                LostCoreHours += gpus == 0 ? lost * cpuMilli / 1000.0 : 0; // a CPU job (the cpu pool's): its cores
            }

            _reclaimed.Clear();
        }

        private int TrainingGpus()
        {
            CountPreemptionStops(byReclaim: false);
            return _running.Values.Sum(r => r.Gpus);
        }

        /// <summary>Cores held by running CPU jobs (0 GPUs: the cpu pool's training).</summary>
        private double TrainingCores()
        {
            CountPreemptionStops(byReclaim: false);
            return _running.Values.Where(r => r.Gpus == 0).Sum(r => r.CpuMilli / 1000.0);
        }
    }
}
