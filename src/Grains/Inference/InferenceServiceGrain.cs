using System.Globalization;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Common;
using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;
using WPAI.Grains.Common;

namespace WPAI.Grains.Inference;

/// <summary>
/// An inference service (key: service name): spec, replicas placed through the pool scheduler's reservation path, and
/// the scaling decisions. A thin shell: the metric window is a <see cref="MetricWindow"/>, the per-minute history a
/// <see cref="ServiceLoadHistory"/>, the forecaster's life cycle a <see cref="ServiceForecaster"/>, the rule a
/// <see cref="ServiceAutoscaler"/> chosen by <see cref="InferenceScalingOptions.Policy"/>; evaluations are a
/// <see cref="DurableWakeUp"/> (a reminder brings a deployed service back after a restart).
/// </summary>
[GrainType("wpai-inference-service")]
public sealed partial class InferenceServiceGrain(
    [PersistentState("state", WpaiCluster.StorageProvider)] IPersistentState<InferenceServiceState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<InferenceScalingOptions> options,
    ForecastTrainingWorker trainer,
    ILogger<InferenceServiceGrain> logger) : Grain, IInferenceServiceGrain, IRemindable
{
    private static readonly TimeSpan DemandForecastStep = TimeSpan.FromMinutes(5);
    private readonly MetricWindow _window = new(options.Value.MetricWindow);
    private readonly ServiceForecaster _forecaster = new(trainer, options.Value);
    private readonly ServiceAutoscaler _autoscaler = new(options.Value.Policy);
    private ServiceLoadHistory _history = null!;
    private DurableWakeUp _evaluations = null!;

    private string Key => this.GetPrimaryKeyString();

    private InferenceServiceState S => state.State;

    private TimeSpan EvaluationPeriod => S.Spec is null ? TimeSpan.Zero : options.Value.EvaluationPeriod;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _evaluations = new DurableWakeUp(this, "service-evaluation", async _ => await EvaluateAsync(), keepAlive: false);
        _history = NewHistory();
        if (_forecaster.Restore(S.ForecastModel) is { } unreadable)
        {
            LogModelUnreadable(logger, Key, unreadable);
            S.ForecastModel = null;
        }

        return _evaluations.ResumeAsync(EvaluationPeriod);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => _evaluations.OnReminderAsync(EvaluationPeriod);

    public async Task<InferenceServiceView> DeployAsync(InferenceServiceSpec spec)
    {
        var fleet = await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        InferenceServiceSpecs.Validate(spec, [.. fleet.NodesByPool.Where(kv => kv.Value.Length > 0).Select(kv => kv.Key)]);
        InferenceServiceSpecs.ValidateDeploy(spec, Key, S.Spec, S.Replicas.Count);
        var from = S.Replicas.Count;
        S.Spec = spec;
        var desired = Math.Clamp(Math.Max(S.DesiredReplicas, spec.MinReplicas), spec.MinReplicas, spec.MaxReplicas);
        await ReconcileAsync(spec, desired);
        await RecordAsync(new ScalingDecisionView(clock.GetUtcNow(), from, desired, "Deploy", null, 0, null, 0, string.Create(CultureInfo.InvariantCulture, $"deployed model {spec.Model} in pool {spec.Pool}: {desired} replicas within [{spec.MinReplicas}, {spec.MaxReplicas}]")));
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).AddServiceAsync(Key);
        LogDeployed(logger, Key, spec.Model, spec.Pool, desired);
        await _evaluations.SetAsync(EvaluationPeriod);
        return View();
    }

    public Task ReportMetricsAsync(ServiceMetrics metrics)
    {
        RequireSpec();
        _window.Add(metrics);
        _history.Add(metrics.At, metrics.TotalQps);
        S.HistoryStart = _history.Start;
        return Task.CompletedTask;
    }

    public async Task<ScalingDecisionView> EvaluateAsync()
    {
        var spec = RequireSpec();
        var now = clock.GetUtcNow();
        await AdoptTrainingAsync(now);
        if (_autoscaler.UsesForecast)
        {
            S.Forecaster = _forecaster.StartIfDue(Key, _history, S.Forecaster, now);
        }

        var held = S.ManualUntil is { } until && now < until;
        var forecast = _autoscaler.UsesForecast && !_window.IsEmpty && !held ? _forecaster.Forecast(_history, now) : null;
        var ready = S.Replicas.Count(r => r.StartedAt + options.Value.ReplicaStartup <= now);
        var reactiveBecause = forecast is null && !S.Forecaster.Active ? S.Forecaster.Status : null;
        var recent = S.Recommendations.Select(kv => new Recommendation(kv.Key, kv.Value)).ToImmutableList();
        (var view, recent) = _autoscaler.Decide(now, S.ManualUntil, spec, S.DesiredReplicas, S.Replicas.Count, ready, _window, forecast, reactiveBecause, recent);
        S.Recommendations = [.. recent.Select(r => new KeyValuePair<DateTimeOffset, int>(r.At, r.Replicas))];
        return await ApplyAsync(spec, view);
    }

    public async Task<ScalingDecisionView> ScaleAsync(int replicas, string reason)
    {
        var spec = RequireSpec();
        InferenceServiceSpecs.ValidateManualScale(spec, replicas, reason);
        var now = clock.GetUtcNow();
        S.ManualUntil = now + options.Value.ManualOverrideHold;
        S.Recommendations = [];
        var view = await ApplyAsync(spec, new ScalingDecisionView(now, S.Replicas.Count, replicas, "Manual", null, 0, null, 0, $"manual: {reason}"));
        LogManual(logger, Key, view.FromReplicas, replicas, reason);
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
        return Task.FromResult(new ServiceDemand(
            Key, spec.Pool, spec.ReplicaResources, S.DesiredReplicas, S.Replicas.Count, _history.DemandForecast(spec, clock.GetUtcNow(), forecastSpan, DemandForecastStep)));
    }

    public async Task<ImmutableArray<string>> MoveReplicasOffAsync(string node)
    {
        var spec = RequireSpec();
        var moves = await Replicas().MoveOffAsync(spec, node, missing => LogNoRoom(logger, Key, spec.Pool, missing));
        if (moves.Length > 0)
        {
            LogMoved(logger, Key, node, moves.Length);
        }

        return moves;
    }

    public async Task DeleteAsync()
    {
        if (S.Spec is { } spec)
        {
            await ReconcileAsync(spec, 0);
        }

        await state.ClearStateAsync();
        state.State = new InferenceServiceState();
        await _evaluations.SetAsync(TimeSpan.Zero);
        _history = NewHistory();
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).RemoveServiceAsync(Key);
    }

    private InferenceServiceSpec RequireSpec() => S.Spec ?? throw new WpaiNotFoundException("inference service", Key);

    private ServiceLoadHistory NewHistory() => new(S.HistoryStart, S.History, S.Realized, options.Value.Forecaster.MaxHistory);

    /// <summary>Runs the decided count (as far as the pool has room), records the decision and persists.</summary>
    private async Task<ScalingDecisionView> ApplyAsync(InferenceServiceSpec spec, ScalingDecisionView view)
    {
        await ReconcileAsync(spec, view.ToReplicas);
        if (S.Replicas.Count != view.ToReplicas)
        {
            view = view with { Reason = $"{view.Reason}; only {S.Replicas.Count} placed: pool {spec.Pool} has no room for more" };
        }

        await RecordAsync(view);
        return view;
    }

    /// <summary>Places or releases replicas until <paramref name="desired"/> run (or the pool has no room).</summary>
    private async Task ReconcileAsync(InferenceServiceSpec spec, int desired)
    {
        if (await Replicas().ReconcileAsync(spec, desired) is > 0 and var missing)
        {
            LogNoRoom(logger, Key, spec.Pool, missing);
        }
    }

    private ServiceReplicas Replicas() => new(GrainFactory, Key, S, clock, () => state.WriteStateAsync());

    private async Task AdoptTrainingAsync(DateTimeOffset now)
    {
        var (view, model) = await _forecaster.AdoptAsync(_history, S.Forecaster, now);
        S.Forecaster = view;
        S.ForecastModel = model ?? S.ForecastModel;
    }

    private async Task RecordAsync(ScalingDecisionView view)
    {
        BoundedList.AddNewestFirst(S.Decisions, view, options.Value.MaxDecisions);
        S.Version++;
        await state.WriteStateAsync();
    }

    private InferenceServiceView View() =>
        new(S.Spec!, S.DesiredReplicas, [.. S.Replicas], Math.Max(0, S.DesiredReplicas - S.Replicas.Count), _window.Latest,
            ServiceForecaster.Current(S.Forecaster, _history), [.. S.Decisions], S.Version);
}
