using System.Globalization;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Mixing;
using WPAI.Domain.Scaling;
using WPAI.Forecasting;

namespace WPAI.Grains.Inference;

/// <summary>
/// An inference service: spec, replicas placed through the pool scheduler's reservation path, a rolling metric
/// window, a per-minute load history, the forecaster and the scaling decisions. A thin shell around
/// <see cref="ScalingPolicy"/>; the forecaster trains in <see cref="ForecastTrainingWorker"/>, off the grain's turn.
/// </summary>
[GrainType("wpai-inference-service")]
public sealed partial class InferenceServiceGrain(
    [PersistentState("state", WpaiCluster.StorageProvider)] IPersistentState<InferenceServiceState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<InferenceScalingOptions> options,
    ForecastTrainingWorker trainer,
    ILogger<InferenceServiceGrain> logger) : Grain, IInferenceServiceGrain
{
    private const int MaxRealized = 1440;
    private static readonly TimeSpan DemandForecastStep = TimeSpan.FromMinutes(5);
    private readonly List<ServiceMetrics> _window = [];
    private readonly Dictionary<long, double> _pendingForecasts = [];
    private Task<ForecastTraining>? _training;
    private LoadForecastModel? _model;
    private IGrainTimer? _timer;

    private InferenceScalingOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.ForecastModel is { } bytes)
        {
            try
            {
                _model = LoadForecastModel.FromBytes(bytes);
            }
            catch (InvalidDataException e)
            {
                LogModelUnreadable(logger, this.GetPrimaryKeyString(), e.Message);
                state.State.ForecastModel = null;
            }
        }

        EnsureTimer();
        return Task.CompletedTask;
    }

    public async Task<InferenceServiceView> DeployAsync(InferenceServiceSpec spec)
    {
        var fleet = await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        InferenceServiceSpecs.Validate(spec, [.. fleet.NodesByPool.Where(kv => kv.Value.Length > 0).Select(kv => kv.Key)]);
        var key = this.GetPrimaryKeyString();
        if (!string.Equals(spec.Name, key, StringComparison.Ordinal))
        {
            throw new WpaiValidationException("spec.name", $"'{spec.Name}' does not match the service grain key '{key}'", "Deploy a service under its own name.");
        }

        if (state.State.Spec is { } old && old.Pool != spec.Pool && state.State.Replicas.Count > 0)
        {
            throw new WpaiValidationException("spec.pool", $"service '{key}' runs replicas in pool '{old.Pool}'", "Delete the service before moving it to another pool.");
        }

        var now = clock.GetUtcNow();
        var from = state.State.Replicas.Count;
        state.State.Spec = spec;
        var desired = Math.Clamp(Math.Max(state.State.DesiredReplicas, spec.MinReplicas), spec.MinReplicas, spec.MaxReplicas);
        await ReconcileAsync(spec, desired);
        Record(new ScalingDecisionView(now, from, desired, "Deploy", null, 0, null, 0, string.Create(CultureInfo.InvariantCulture, $"deployed model {spec.Model} in pool {spec.Pool}: {desired} replicas within [{spec.MinReplicas}, {spec.MaxReplicas}]")));
        state.State.Version++;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).AddServiceAsync(key);
        LogDeployed(logger, key, spec.Model, spec.Pool, desired);
        EnsureTimer();
        return View();
    }

    public Task ReportMetricsAsync(ServiceMetrics metrics)
    {
        RequireSpec();
        ArgumentNullException.ThrowIfNull(metrics);
        double[] values = [metrics.TotalQps, metrics.CpuUtilization, metrics.GpuUtilization, metrics.MemoryUtilization, metrics.LatencyP99Ms, metrics.ErrorRate];
        if (values.Any(v => !double.IsFinite(v) || v < 0))
        {
            throw new WpaiValidationException("metrics", "every metric must be a finite non-negative number", "Report QPS, utilizations (fractions), p99 latency (ms) and error rate (fraction).");
        }

        _window.Add(metrics);
        var newest = _window.Max(m => m.At);
        _window.RemoveAll(m => m.At <= newest - Options.MetricWindow);
        AddToHistory(metrics.At, metrics.TotalQps);
        return Task.CompletedTask;
    }

    public async Task<ScalingDecisionView> EvaluateAsync()
    {
        var spec = RequireSpec();
        var now = clock.GetUtcNow();
        await AdoptTrainingAsync(now);
        StartTrainingIfDue(now);

        var current = state.State.Replicas.Count;
        ScalingDecisionView view;
        if (state.State.ManualUntil is { } until && now < until)
        {
            view = new ScalingDecisionView(now, current, state.State.DesiredReplicas, "Manual", null, 0, null, 0, $"manual override holds until {until:O}");
        }
        else if (_window.Count == 0)
        {
            view = new ScalingDecisionView(now, current, state.State.DesiredReplicas, "Hold", null, 0, null, 0, "no metrics in the window");
        }
        else
        {
            var recent = state.State.Recommendations.Select(kv => new Recommendation(kv.Key, kv.Value)).ToImmutableList();
            var n = Math.Max(state.State.DesiredReplicas, 1);
            var forecast = Forecast(now);
            var input = new ScalingInput(now, state.State.DesiredReplicas, spec.MinReplicas, spec.MaxReplicas, Signals(spec, n, forecast), recent);
            var decision = ScalingPolicy.Decide(input, forecast is null ? ScalingOptions.Reactive : new ScalingOptions());
            state.State.Recommendations = [.. decision.Recent.Select(r => new KeyValuePair<DateTimeOffset, int>(r.At, r.Replicas))];
            view = decision.ToView();
            if (forecast is null && !state.State.Forecaster.Active)
            {
                view = view with { Reason = $"{view.Reason} (reactive: {state.State.Forecaster.Status})" };
            }
        }

        await ReconcileAsync(spec, view.ToReplicas);
        if (state.State.Replicas.Count != view.ToReplicas)
        {
            view = view with { Reason = $"{view.Reason}; only {state.State.Replicas.Count} placed: pool {spec.Pool} has no room for more" };
        }

        Record(view);
        state.State.Version++;
        await state.WriteStateAsync();
        return view;
    }

    public async Task<ScalingDecisionView> ScaleAsync(int replicas, string reason)
    {
        var spec = RequireSpec();
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new WpaiValidationException("reason", "must not be empty", "Say why the service is scaled by hand; it is recorded with the decision.");
        }

        if (replicas < spec.MinReplicas || replicas > spec.MaxReplicas)
        {
            throw new WpaiValidationException("replicas", $"{replicas} is outside [{spec.MinReplicas}, {spec.MaxReplicas}]", "Pick a count within the spec's bounds or redeploy with other bounds.");
        }

        var now = clock.GetUtcNow();
        var from = state.State.Replicas.Count;
        await ReconcileAsync(spec, replicas);
        state.State.ManualUntil = now + Options.ManualOverrideHold;
        state.State.Recommendations = [];
        var view = new ScalingDecisionView(now, from, replicas, "Manual", null, 0, null, 0, $"manual: {reason}");
        if (state.State.Replicas.Count != replicas)
        {
            view = view with { Reason = $"{view.Reason}; only {state.State.Replicas.Count} placed: pool {spec.Pool} has no room for more" };
        }

        Record(view);
        state.State.Version++;
        await state.WriteStateAsync();
        LogManual(logger, this.GetPrimaryKeyString(), from, replicas, reason);
        return view;
    }

    public async Task<InferenceServiceView> GetAsync()
    {
        RequireSpec();
        await AdoptTrainingAsync(clock.GetUtcNow());
        return View();
    }

    public Task<ServiceDemand> GetDemandAsync(TimeSpan forecastSpan)
    {
        var spec = RequireSpec();
        var s = state.State;
        var forecast = ImmutableArray<ReplicaForecast>.Empty;
        if (forecastSpan > TimeSpan.Zero && s.HistoryStart is { } start)
        {
            var target = InferenceServiceSpecs.QpsTarget(spec);
            forecast = [.. DailyProfileForecast.Forecast(s.History, start, clock.GetUtcNow(), forecastSpan, DemandForecastStep)
                .Select(p => new ReplicaForecast(p.At, p.Qps, DailyProfileForecast.Replicas(p.Qps, target, spec.MinReplicas, spec.MaxReplicas)))];
        }

        return Task.FromResult(new ServiceDemand(this.GetPrimaryKeyString(), spec.Pool, spec.ReplicaResources, s.DesiredReplicas, s.Replicas.Count, forecast));
    }

    public async Task<ImmutableArray<string>> MoveReplicasOffAsync(string node)
    {
        var spec = RequireSpec();
        var key = this.GetPrimaryKeyString();
        var scheduler = GrainFactory.GetGrain<IPoolSchedulerGrain>(spec.Pool);
        var source = GrainFactory.GetGrain<INodeGrain>(node);
        var moves = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < state.State.Replicas.Count; i++)
        {
            var old = state.State.Replicas[i];
            if (!string.Equals(old.Node, node, StringComparison.Ordinal))
            {
                continue;
            }

            var id = string.Create(CultureInfo.InvariantCulture, $"{key}/replica-{state.State.NextReplica}");
            var target = await scheduler.PlaceReplicaAsync(id, spec.ReplicaResources);
            if (target is null)
            {
                LogNoRoom(logger, key, spec.Pool, 1);
                break;
            }

            if (string.Equals(target, node, StringComparison.Ordinal))
            {
                // The node still admits replicas (it is not draining): nothing to move off.
                await source.ReleaseAsync(id);
                break;
            }

            // Placed first, recorded, and only then released: the service never has fewer replicas than before.
            state.State.NextReplica++;
            state.State.Replicas[i] = new ReplicaView(id, target, clock.GetUtcNow());
            state.State.Version++;
            await state.WriteStateAsync();
            await source.ReleaseAsync(old.Id);
            moves.Add($"{old.Id} → {id}@{target}");
        }

        // A replica recorded as moved whose old allocation survived (a crash between the record and the release) is freed.
        var current = state.State.Replicas.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var view = await source.GetAsync();
        foreach (var stale in view.Allocations.Where(a => a.Kind == AllocationKind.InferenceReplica
            && a.OwnerId.StartsWith(key + "/replica-", StringComparison.Ordinal) && !current.Contains(a.OwnerId)))
        {
            await source.ReleaseAsync(stale.OwnerId);
            moves.Add($"{stale.OwnerId} (stale) released");
        }

        if (moves.Count > 0)
        {
            LogMoved(logger, key, node, moves.Count);
        }

        return moves.ToImmutable();
    }

    public async Task DeleteAsync()
    {
        if (state.State.Spec is { } spec)
        {
            await ReconcileAsync(spec, 0);
        }

        _timer?.Dispose();
        _timer = null;
        await state.ClearStateAsync();
        state.State = new InferenceServiceState();
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).RemoveServiceAsync(this.GetPrimaryKeyString());
    }

    private InferenceServiceSpec RequireSpec() =>
        state.State.Spec ?? throw new WpaiNotFoundException("inference service", this.GetPrimaryKeyString());

    private void EnsureTimer()
    {
        if (_timer is null && state.State.Spec is not null && Options.EvaluationPeriod > TimeSpan.Zero)
        {
            _timer = this.RegisterGrainTimer(async _ => await EvaluateAsync(), new GrainTimerCreationOptions(Options.EvaluationPeriod, Options.EvaluationPeriod));
        }
    }

    /// <summary>Places or releases replicas until <paramref name="desired"/> run (or the pool has no room).</summary>
    private async Task ReconcileAsync(InferenceServiceSpec spec, int desired)
    {
        state.State.DesiredReplicas = desired;
        var key = this.GetPrimaryKeyString();
        var scheduler = GrainFactory.GetGrain<IPoolSchedulerGrain>(spec.Pool);
        while (state.State.Replicas.Count < desired)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{key}/replica-{state.State.NextReplica}");
            var node = await scheduler.PlaceReplicaAsync(id, spec.ReplicaResources);
            if (node is null)
            {
                LogNoRoom(logger, key, spec.Pool, desired - state.State.Replicas.Count);
                break;
            }

            state.State.NextReplica++;
            state.State.Replicas.Add(new ReplicaView(id, node, clock.GetUtcNow()));
        }

        while (state.State.Replicas.Count > desired)
        {
            var replica = state.State.Replicas[^1];
            await GrainFactory.GetGrain<INodeGrain>(replica.Node).ReleaseAsync(replica.Id);
            state.State.Replicas.RemoveAt(state.State.Replicas.Count - 1);
        }
    }

    private ImmutableArray<MetricSignal> Signals(InferenceServiceSpec spec, int n, double? forecastQps)
    {
        var builder = ImmutableArray.CreateBuilder<MetricSignal>();
        var qps = _window.Average(m => m.TotalQps);
        builder.Add(new MetricSignal(ScalingMetric.QpsPerReplica, qps / n, forecastQps / n, InferenceServiceSpecs.QpsTarget(spec)));
        foreach (var (metric, target) in spec.Targets)
        {
            double? observed = metric switch
            {
                ScalingMetric.Cpu => _window.Average(m => m.CpuUtilization),
                ScalingMetric.Gpu => _window.Average(m => m.GpuUtilization),
                ScalingMetric.Memory => _window.Average(m => m.MemoryUtilization),
                _ => null,
            };
            if (observed is { } o)
            {
                builder.Add(new MetricSignal(metric, o, null, target));
            }
        }

        builder.Add(new MetricSignal(ScalingMetric.LatencyP99, _window.Max(m => m.LatencyP99Ms), null, spec.LatencySloP99.TotalMilliseconds));
        builder.Add(new MetricSignal(ScalingMetric.ErrorRate, _window.Average(m => m.ErrorRate), null, spec.ErrorRateSlo));
        return builder.ToImmutable();
    }

    /// <summary>The forecast peak QPS over the horizon from the history, or null without a model or enough history.</summary>
    private double? Forecast(DateTimeOffset now)
    {
        if (_model is null || state.State.HistoryStart is not { } start || state.State.History.Count < LoadForecastModel.MinHistoryPoints)
        {
            return null;
        }

        var h = state.State.History;
        var last = start + (TimeSpan.FromMinutes(1) * (h.Count - 1));
        if (now - last > TimeSpan.FromMinutes(5))
        {
            return null; // stale history: forecasting from it would be a guess
        }

        var forecast = _model.Predict(h, last);
        _pendingForecasts[h.Count - 1 + forecast.Length] = forecast[^1];
        return forecast.Max();
    }

    private void AddToHistory(DateTimeOffset at, double qps)
    {
        var minute = new DateTimeOffset(at.UtcDateTime.Ticks - (at.UtcDateTime.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var s = state.State;
        if (s.HistoryStart is not { } start)
        {
            s.HistoryStart = minute;
            s.History.Add(qps);
            return;
        }

        var index = (long)((minute - start) / TimeSpan.FromMinutes(1));
        if (index < 0)
        {
            return; // older than the history: ignored
        }

        if (index < s.History.Count)
        {
            s.History[(int)index] = Math.Max(s.History[(int)index], qps);
            return;
        }

        // Fill a gap linearly, then append.
        var lastValue = s.History[^1];
        var gap = index - s.History.Count;
        for (var i = 1; i <= gap; i++)
        {
            s.History.Add(lastValue + ((qps - lastValue) * i / (gap + 1)));
        }

        s.History.Add(qps);
        if (_pendingForecasts.Remove(s.History.Count - 1, out var predicted))
        {
            s.Realized.Add(new KeyValuePair<double, double>(predicted, qps));
            if (s.Realized.Count > MaxRealized)
            {
                s.Realized.RemoveAt(0);
            }
        }

        var max = (int)(Options.Forecaster.MaxHistory / TimeSpan.FromMinutes(1));
        if (s.History.Count > max)
        {
            var drop = s.History.Count - max;
            s.History.RemoveRange(0, drop);
            s.HistoryStart = start + (TimeSpan.FromMinutes(1) * drop);
            _pendingForecasts.Clear();
        }
    }

    private void StartTrainingIfDue(DateTimeOffset now)
    {
        var f = state.State.Forecaster;
        if (_training is not null || state.State.HistoryStart is not { } start)
        {
            return;
        }

        var due = f.TrainedAt is not { } at || now - at >= Options.RetrainInterval;
        var history = state.State.History;
        if (!due || history.Count < LoadForecastModel.MinHistoryPoints)
        {
            return;
        }

        var series = new LoadSeries(this.GetPrimaryKeyString(), start, TimeSpan.FromMinutes(1), [.. history]);
        _training = trainer.TrainAsync(this.GetPrimaryKeyString(), series);
        state.State.Forecaster = f with { Status = f.Active ? "retraining" : "training" };
    }

    private async Task AdoptTrainingAsync(DateTimeOffset now)
    {
        if (_training is not { IsCompleted: true } done)
        {
            return;
        }

        _training = null;
        var f = state.State.Forecaster;
        if (!done.IsCompletedSuccessfully)
        {
            state.State.Forecaster = f with { TrainedAt = now, Status = $"training failed: {done.Exception?.GetBaseException().Message}; scaling stays reactive" };
            return;
        }

        // The task has completed: awaiting it does not wait.
        var result = await done;
        if (result.Model is { } model)
        {
            _model = model;
            state.State.ForecastModel = model.ToBytes();
            state.State.Forecaster = new ForecasterView(true, now, result.TrainingPoints, OnlineMape(), LastValueMape(model.Horizon), result.TrainingTime, "active");
        }
        else
        {
            state.State.Forecaster = f with { TrainedAt = now, TrainingPoints = result.TrainingPoints, TrainingTime = result.TrainingTime, Status = result.FallbackReason ?? "no model" };
        }
    }

    private double? OnlineMape()
    {
        var pairs = state.State.Realized.Where(p => p.Value > 0).ToList();
        return pairs.Count == 0 ? null : 100 * pairs.Average(p => Math.Abs(p.Key - p.Value) / p.Value);
    }

    private double? LastValueMape(int horizon)
    {
        var h = state.State.History;
        var apes = new List<double>();
        for (var t = Math.Max(0, h.Count - MaxRealized - horizon); t + horizon < h.Count; t++)
        {
            if (h[t + horizon] > 0)
            {
                apes.Add(Math.Abs(h[t] - h[t + horizon]) / h[t + horizon]);
            }
        }

        return apes.Count == 0 ? null : 100 * apes.Average();
    }

    private void Record(ScalingDecisionView view)
    {
        state.State.Decisions.Insert(0, view);
        if (state.State.Decisions.Count > Options.MaxDecisions)
        {
            state.State.Decisions.RemoveRange(Options.MaxDecisions, state.State.Decisions.Count - Options.MaxDecisions);
        }
    }

    private InferenceServiceView View()
    {
        var s = state.State;
        var forecaster = s.Forecaster.Active ? s.Forecaster with { Mape = OnlineMape() ?? s.Forecaster.Mape } : s.Forecaster;
        return new InferenceServiceView(
            s.Spec!, s.DesiredReplicas, [.. s.Replicas], Math.Max(0, s.DesiredReplicas - s.Replicas.Count),
            _window.Count == 0 ? null : _window[^1], forecaster, [.. s.Decisions], s.Version);
    }
}
