using System.Globalization;
using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Common;
using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;
using WPAI.Abstractions.Ports;
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
    IReplicaLauncher launcher,
    ILogger<InferenceServiceGrain> logger) : Grain, IInferenceServiceGrain, IRemindable
{
    private static readonly TimeSpan DemandForecastStep = TimeSpan.FromMinutes(5);
    private readonly MetricWindow _window = new(options.Value.MetricWindow);
    private readonly ServiceForecaster _forecaster = new(trainer, options.Value);
    private readonly ServiceAutoscaler _autoscaler = new(options.Value.Policy, options.Value.ScaleDownStabilization);
    private ServiceLoadHistory _history = null!;
    private DurableWakeUp _evaluations = null!;
    private string _routes = string.Empty;

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
        var rollTo = S.Spec?.ModelRepository is { } old && spec.ModelRepository is { } next && old != next && S.Replicas.Count > 0 && S.RolloutTarget is null ? next : null;
        S.Spec = rollTo is null ? spec : spec with { ModelRepository = S.Spec!.ModelRepository }; // a new repository on a running service rolls out
        var desired = Math.Clamp(Math.Max(S.DesiredReplicas, spec.MinReplicas), spec.MinReplicas, spec.MaxReplicas);
        await ReconcileAsync(spec, desired);
        await RecordAsync(ScalingDecisionView.WithoutMetric(clock.GetUtcNow(), from, desired, "Deploy", string.Create(CultureInfo.InvariantCulture, $"deployed model {spec.Model} in pool {spec.Pool}: {desired} replicas within [{spec.MinReplicas}, {spec.MaxReplicas}]")));
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).AddServiceAsync(Key);
        LogDeployed(logger, Key, spec.Model, spec.Pool, desired);
        await _evaluations.SetAsync(EvaluationPeriod);
        if (rollTo is not null && launcher.RunsProcesses)
        {
            return await UpdateModelsAsync(rollTo);
        }

        return View();
    }

    public Task ReportMetricsAsync(ServiceMetrics metrics)
    {
        RequireSpec();
        AddMetrics(metrics);
        return Task.CompletedTask;
    }

    public async Task<ScalingDecisionView> EvaluateAsync()
    {
        var spec = RequireSpec();
        var now = clock.GetUtcNow();
        await Replicas().StopDrainedAsync(options.Value.DrainTime);
        var replicas = new ReplicaSet(S.Replicas);
        var measured = launcher.RunsProcesses ? replicas.Measured(now, options.Value.LoadMaxAge, spec.ReplicaResources.CpuMilli) : null;
        if (measured is not null)
        {
            AddMetrics(measured);
        }

        if (S.RolloutTarget is { } target)
        {
            await Rollout().StepAsync();
            return ScalingDecisionView.WithoutMetric(now, replicas.Serving, S.DesiredReplicas, "Hold", $"roll-out to {target} in progress; measured: {ReplicaLoads.Describe(replicas.All, now, options.Value.LoadMaxAge)}");
        }

        await AdoptTrainingAsync(now);
        if (_autoscaler.UsesForecast)
        {
            S.Forecaster = _forecaster.StartIfDue(Key, _history, S.Forecaster, now);
        }

        var held = S.ManualUntil is { } until && now < until;
        var forecast = _autoscaler.UsesForecast && !_window.IsEmpty && !held ? _forecaster.Forecast(_history, now) : null;
        var ready = launcher.RunsProcesses ? replicas.Ready : S.Replicas.Count(r => r.StartedAt + options.Value.ReplicaStartup <= now);
        var reactiveBecause = forecast is null && !S.Forecaster.Active ? S.Forecaster.Status : null;
        var recent = S.Recommendations.Select(kv => new Recommendation(kv.Key, kv.Value)).ToImmutableList();
        (var view, recent) = _autoscaler.Decide(now, S.ManualUntil, spec, S.DesiredReplicas, replicas.Serving, ready, _window, forecast, reactiveBecause, recent);
        S.Recommendations = [.. recent.Select(r => new KeyValuePair<DateTimeOffset, int>(r.At, r.Replicas))];
        if (launcher.RunsProcesses)
        {
            view = view with { Reason = $"{view.Reason}; measured: {ReplicaLoads.Describe(replicas.All, now, options.Value.LoadMaxAge)}" };
        }

        return await ApplyAsync(spec, view);
    }

    public async Task<ScalingDecisionView> ScaleAsync(int replicas, string reason)
    {
        var spec = RequireSpec();
        InferenceServiceSpecs.ValidateManualScale(spec, replicas, reason);
        var now = clock.GetUtcNow();
        S.ManualUntil = now + options.Value.ManualOverrideHold;
        S.Recommendations = [];
        var view = await ApplyAsync(spec, ScalingDecisionView.WithoutMetric(now, new ReplicaSet(S.Replicas).Serving, replicas, "Manual", $"manual: {reason}"));
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

    public Task ReplicaStartedAsync(RunStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        return new ReplicaSet(S.Replicas).Started(started.JobId, started.Pid, started.Url, started.GrpcUrl) ? WriteAsync() : Task.CompletedTask;
    }

    public Task ReplicaProbedAsync(ReplicaProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (!new ReplicaSet(S.Replicas).Probed(probe.JobId, probe.Ready, probe.Load))
        {
            return Task.CompletedTask;
        }

        LogReplicaReady(logger, Key, probe.JobId);
        S.FailedStarts = 0;
        S.StartsHeldUntil = null;
        S.LastFailedStart = null;
        return S.RolloutTarget is null ? WriteAsync() : Rollout().StepAsync();
    }

    public async Task<InferenceServiceView> UpdateModelsAsync(string modelRepository)
    {
        var spec = RequireSpec();
        ServiceRollout.Validate(spec, modelRepository, launcher.RunsProcesses, S.RolloutTarget);
        LogRollout(logger, Key, modelRepository);
        await Rollout().StartAsync(spec, modelRepository);
        return View();
    }

    public async Task ReplicaEndedAsync(RunEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (S.Spec is not { } spec || await Replicas().EndedAsync(end.JobId) is not { } lost)
        {
            return;
        }

        if (S.RolloutTarget is { } target)
        {
            await Rollout().ReplicaEndedAsync(spec, target, lost, end);
            return;
        }

        var serving = new ReplicaSet(S.Replicas).Serving;
        LogReplicaEnded(logger, Key, lost.Id, lost.Node, end.Detail);
        if (ReplicaStartBackoff.IsFailedStart(lost))
        {
            // A crash at start: the next replica waits, longer after each failure in a row, instead of crash-looping.
            var now = clock.GetUtcNow();
            S.FailedStarts++;
            var wait = ReplicaStartBackoff.Delay(S.FailedStarts, options.Value.StartBackoff, options.Value.StartBackoffMax);
            S.StartsHeldUntil = now + wait;
            S.LastFailedStart = $"replica {lost.Id} on {lost.Node}: {end.Detail}";
            await RecordAsync(ScalingDecisionView.WithoutMetric(now, serving + 1, serving, "Backoff", string.Create(CultureInfo.InvariantCulture,
                $"replica {lost.Id} on {lost.Node} failed to start ({S.FailedStarts} in a row): {end.Detail}; the next start waits {wait.TotalSeconds:0} s")));
            return;
        }

        await ReconcileAsync(spec, S.DesiredReplicas);
        var replacement = S.Replicas.Count > 0 ? S.Replicas[^1] : null;
        var how = new ReplicaSet(S.Replicas).Serving > serving ? $"replaced by {replacement!.Id} on {replacement.Node}" : "no room to replace it";
        await RecordAsync(ScalingDecisionView.WithoutMetric(clock.GetUtcNow(), serving + 1, new ReplicaSet(S.Replicas).Serving, "Replace",
            $"replica {lost.Id} on {lost.Node} ({lost.Phase}, pid {lost.Pid}) ended: {end.Detail}; {how}"));
    }

    public async Task DeleteAsync()
    {
        if (S.Spec is not null)
        {
            await Replicas().RemoveAllAsync("service deleted");
        }

        await state.ClearStateAsync();
        state.State = new InferenceServiceState();
        await _evaluations.SetAsync(TimeSpan.Zero);
        _history = NewHistory();
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).RemoveServiceAsync(Key);
        _routes = string.Empty;
        await GrainFactory.GetGrain<IServiceRoutesGrain>(WpaiCluster.FleetKey).ChangedAsync(Key);
    }

    private InferenceServiceSpec RequireSpec() => S.Spec ?? throw new WpaiNotFoundException("inference service", Key);

    private ServiceLoadHistory NewHistory() => new(S.HistoryStart, S.History, S.Realized, options.Value.Forecaster.MaxHistory);

    /// <summary>Runs the decided count (as far as the pool has room), records the decision and persists.</summary>
    private async Task<ScalingDecisionView> ApplyAsync(InferenceServiceSpec spec, ScalingDecisionView view)
    {
        await ReconcileAsync(spec, view.ToReplicas);
        if (new ReplicaSet(S.Replicas).Serving is var serving && serving != view.ToReplicas)
        {
            view = view with
            {
                Reason = StartsHeld(clock.GetUtcNow()) ? $"{view.Reason}; only {serving} running: starts held until {S.StartsHeldUntil:O} after {S.FailedStarts} failed starts"
                    : $"{view.Reason}; only {serving} placed: pool {spec.Pool} has no room for more",
            };
        }

        await RecordAsync(view);
        return view;
    }

    /// <summary>True while a crash-loop back-off holds new replica starts.</summary>
    private bool StartsHeld(DateTimeOffset now) => S.StartsHeldUntil is { } until && now < until;

    /// <summary>Places or releases replicas until <paramref name="desired"/> run (or the pool has no room, or starts are held after crashes).</summary>
    private async Task ReconcileAsync(InferenceServiceSpec spec, int desired)
    {
        if (await Replicas().ReconcileAsync(spec, desired, holdStarts: StartsHeld(clock.GetUtcNow())) is > 0 and var missing)
        {
            LogNoRoom(logger, Key, spec.Pool, missing);
        }
    }

    private ServiceReplicas Replicas() => new(GrainFactory, Key, S, clock, launcher, PersistAsync);

    private ServiceRolloutRunner Rollout() => new(S, Replicas(), clock, RecordAsync, WriteAsync);

    /// <summary>Writes the state; when the replicas the gateway may route to changed, tells the gateways at once.</summary>
    private async Task PersistAsync()
    {
        await state.WriteStateAsync();
        var routes = new ReplicaSet(S.Replicas).Routes;
        if (!string.Equals(routes, _routes, StringComparison.Ordinal))
        {
            _routes = routes;
            await GrainFactory.GetGrain<IServiceRoutesGrain>(WpaiCluster.FleetKey).ChangedAsync(Key);
        }
    }

    private void AddMetrics(ServiceMetrics metrics)
    {
        _window.Add(metrics);
        _history.Add(metrics.At, metrics.TotalQps);
        S.HistoryStart = _history.Start;
    }

    private async Task WriteAsync()
    {
        S.Version++;
        await PersistAsync();
    }

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
        await PersistAsync();
    }

    private InferenceServiceView View() =>
        new(S.Spec!, S.DesiredReplicas, [.. S.Replicas], Math.Max(0, S.DesiredReplicas - new ReplicaSet(S.Replicas).Serving), _window.Latest,
            ServiceForecaster.Current(S.Forecaster, _history), [.. S.Decisions], S.Version,
            options.Value.GatewayUrl is { } gateway ? $"{gateway}/services/{Key}" : null, S.RolloutTarget,
            ReplicaStartBackoff.Describe(S.FailedStarts, S.StartsHeldUntil, S.LastFailedStart, clock.GetUtcNow()));
}
