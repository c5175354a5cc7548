using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Grains;
using WPAI.Domain.Inference;
using WPAI.Forecasting;
using WPAI.Grains.Inference;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Inference;

/// <summary>
/// Replays the evaluation part of a load series (already in QPS) through the real <see cref="IInferenceServiceGrain"/>
/// in an in-process silo on a <see cref="VirtualClock"/> (the host of <see cref="GrainReplayEngine"/>): one service on
/// a pool of online nodes large enough for its maximum, whose rule is the grain's own
/// (<see cref="InferenceScalingOptions.Policy"/>: <c>wpai</c> = Predictive with the quantile uplift of
/// <see cref="InferenceSimulationOptions.ForecastQuantile"/> or the <see cref="WpaiSettings"/> given, <c>reactive</c>,
/// <c>hpa</c>, <c>kpa</c>, <c>static-peak</c> = Fixed at
/// the training peak's count). For <c>wpai</c> the grain first receives the training part minute by minute (its last
/// <see cref="ForecasterOptions.MaxHistory"/>), trains its forecaster once on it (awaited, so every run adopts it at
/// the same virtual time) and never retrains during the evaluation. Every <see cref="InferenceSimulationOptions.Tick"/>:
/// the tick is an SLO violation when demand (interpolated linearly between points) exceeds the replicas the grain has
/// placed that finished their start-up × capacity; every placed replica costs replica-time; the demand is reported to
/// the grain and the grain evaluates (and places or releases replicas through the pool scheduler). No scaling logic
/// lives here.
/// </summary>
public static class GrainInferenceReplay
{
    private const string Pool = "inference";
    private const string Service = "replay";
    private const int GpusPerNode = 8;

    /// <summary>Replays series points [<paramref name="evalStart"/>, end) with <paramref name="policy"/>.</summary>
    public static async Task<(PolicyRun Run, IReadOnlyList<TimelinePoint> Timeline)> RunAsync(
        LoadSeries series, int evalStart, string policy, int staticReplicas, int maxReplicas, InferenceSimulationOptions options, WpaiSettings? wpai = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var kind = policy switch
        {
            _ when WpaiPolicies.IsWpai(policy) => AutoscalerKind.Predictive,
            "reactive" => AutoscalerKind.Reactive,
            "hpa" => AutoscalerKind.Hpa,
            "kpa" => AutoscalerKind.Kpa,
            "static-peak" => AutoscalerKind.Fixed,
            _ => throw new ArgumentException($"unknown policy '{policy}'; use some of {string.Join(',', InferenceSimulationOptions.AllPolicies)}", nameof(policy)),
        };
        var start = series.TimeAt(evalStart);
        var warmUp = start - options.StartupDelay;
        var forecaster = new ForecasterOptions { StartupDelay = options.StartupDelay, MinLookAhead = options.LookAhead };
        var feedFrom = kind == AutoscalerKind.Predictive ? Max(series.Start, warmUp - forecaster.MaxHistory) : warmUp;
        var clock = new VirtualClock(feedFrom - TimeSpan.FromMinutes(1));
        var driver = new ReplayClusterDriver(clock, new EventLog(), new Dictionary<string, SimJob>(StringComparer.Ordinal));
        using var host = GrainReplayEngine.BuildHost(clock, driver, PolicyPresets.Wpai, services => services.Configure<InferenceScalingOptions>(o =>
        {
            o.EvaluationPeriod = TimeSpan.Zero; // the replay evaluates on virtual time
            o.MetricWindow = options.MetricWindow;
            o.ManualOverrideHold = TimeSpan.Zero; // the replay's initial count does not hold
            o.RetrainInterval = TimeSpan.FromDays(3650); // trained once on the training part
            o.Policy = kind;
            o.ForecastQuantile = wpai is null ? options.ForecastQuantile : wpai.Quantile;
            o.Provisioning = wpai?.Provisioning ?? WPAI.Domain.Scaling.ProvisioningOptions.None;
            o.ReplicaStartup = options.StartupDelay;
            o.Forecaster = forecaster;
        }));
        await host.StartAsync(cancellationToken);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            for (var i = 0; i < (maxReplicas + GpusPerNode - 1) / GpusPerNode; i++)
            {
                await grains.GetGrain<INodeGrain>($"node-{i}").RegisterAsync(new NodeSpec($"node-{i}", Pool, GpusPerNode, GpusPerNode * 4000, GpusPerNode * 16_384L), NodeMode.OnlineNormal);
            }

            var min = kind == AutoscalerKind.Fixed ? staticReplicas : options.MinReplicas;
            var grain = grains.GetGrain<IInferenceServiceGrain>(Service);
            await grain.DeployAsync(new InferenceServiceSpec(
                Service, "replayed", Pool, new Resources(1, 1000, 4096), options.CapacityQps, min, maxReplicas,
                ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, options.CapacityQps * options.TargetUtilization),
                TimeSpan.FromSeconds(10), 0.5)); // no latency or error model: these SLOs never bind

            // The training part, minute by minute: the grain's history, from which it trains its forecaster.
            var minute = TimeSpan.FromMinutes(1);
            for (var at = feedFrom; at < warmUp; at += minute)
            {
                clock.AdvanceTo(at - clock.Origin);
                await grain.ReportMetricsAsync(Metrics(at, Demand(series, at, options.WithinStep)));
            }

            clock.AdvanceTo(warmUp - clock.Origin);
            if (kind == AutoscalerKind.Predictive)
            {
                await grain.EvaluateAsync(); // starts the training
                while ((await grain.GetAsync()).Forecaster.Status is "training" or "retraining")
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
                }
            }

            var initial = kind == AutoscalerKind.Fixed
                ? staticReplicas
                : Math.Clamp((int)Math.Ceiling(series.Values[evalStart] / (options.CapacityQps * options.TargetUtilization)), options.MinReplicas, maxReplicas);
            await grain.ScaleAsync(initial, "replay start: the replicas the first point needs");
            return await LoopAsync(grain, clock, series, start, policy, initial, options, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<(PolicyRun Run, IReadOnlyList<TimelinePoint> Timeline)> LoopAsync(
        IInferenceServiceGrain grain, VirtualClock clock, LoadSeries series, DateTimeOffset start, string policy, int initial, InferenceSimulationOptions options, CancellationToken cancellationToken)
    {
        var end = series.TimeAt(series.Count - 1);
        var tickMinutes = options.Tick.TotalMinutes;
        double violationMinutes = 0, replicaMinutes = 0, evaluatedMinutes = 0;
        var scaleEvents = 0;
        var peak = initial;
        var timeline = new List<TimelinePoint>();
        var lastPlotted = -1;
        var ticks = new List<DateTimeOffset>();
        for (var now = start; now <= end; now += options.Tick)
        {
            ticks.Add(now);
        }

        // One grain call per batch of ticks: the clock moves to the batch's last tick and the grain reports and
        // evaluates each tick as of its own time (IInferenceServiceGrain.ReportAndEvaluateAsync), which decides
        // exactly as one report and one evaluation per tick with the clock at that tick would.
        for (var b = 0; b < ticks.Count; b += options.TicksPerCall)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = ticks.GetRange(b, Math.Min(options.TicksPerCall, ticks.Count - b));
            clock.AdvanceTo(batch[^1] - clock.Origin);
            var demands = batch.ConvertAll(at => Demand(series, at, options.WithinStep));
            var results = await grain.ReportAndEvaluateAsync([.. batch.Select((at, i) => Metrics(at, demands[i]))]);
            for (var i = 0; i < batch.Count; i++)
            {
                var (now, tick) = (batch[i], results[i]);
                var demand = demands[i];
                if (demand > (tick.Ready * options.CapacityQps) + 1e-9)
                {
                    violationMinutes += tickMinutes;
                }

                replicaMinutes += tick.Placed * tickMinutes;
                evaluatedMinutes += tickMinutes;
                var decision = tick.Decision;
                if (decision.ToReplicas != decision.FromReplicas)
                {
                    scaleEvents++;
                }

                peak = Math.Max(peak, decision.ToReplicas);
                var pointIndex = (int)Math.Floor((now - series.Start) / series.Step);
                if (pointIndex != lastPlotted)
                {
                    lastPlotted = pointIndex;
                    var forecast = decision.Metric == ScalingMetric.QpsPerReplica ? decision.Forecast * Math.Max(decision.FromReplicas, 1) : null;
                    timeline.Add(new TimelinePoint(now, demand, tick.Ready * options.CapacityQps, forecast));
                }
            }
        }

        return (new PolicyRun(series.Name, policy, violationMinutes, replicaMinutes / 60, scaleEvents, peak, null, null, 0, 0, evaluatedMinutes), timeline);
    }

    /// <summary>
    /// The load at <paramref name="at"/>: between the series' points linear, held, or linear between the steps' middles
    /// (<paramref name="within"/>); the first value before the first point (or middle), the last after the end.
    /// </summary>
    internal static double Demand(LoadSeries series, DateTimeOffset at, LoadBetweenPoints within = LoadBetweenPoints.Linear)
    {
        var v = series.Values;
        var p = ((at - series.Start) / series.Step) - (within == LoadBetweenPoints.Centre ? 0.5 : 0);
        var k = (int)Math.Floor(p);
        if (k < 0)
        {
            return v[0];
        }

        if (k >= v.Count - 1)
        {
            return v[^1];
        }

        if (within == LoadBetweenPoints.Hold)
        {
            return v[k];
        }

        var f = p - k;
        return (v[k] * (1 - f)) + (v[k + 1] * f);
    }

    /// <summary>A load report: the QPS only; no latency or error model (the SLO is counted by capacity).</summary>
    private static ServiceMetrics Metrics(DateTimeOffset at, double qps) => new(at, qps, 0, 0, 0, 0, 0);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
