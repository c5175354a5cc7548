using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Inference;
using WPAI.Domain.Scaling;
using WPAI.Abstractions.Ports;
using WPAI.Grains.Common;

namespace WPAI.Grains.Inference;

/// <summary>
/// An inference service (key: service name): spec, replicas placed through the pool scheduler's reservation path, and
/// the scaling decisions. A thin shell: the rules are <see cref="ServiceScaling"/> (Domain) over the persisted state, the
/// window, history, forecaster and rule (<see cref="InferenceScalingOptions.Policy"/>) are <see cref="ServiceSignals"/>,
/// evaluations are carried out by <see cref="ServiceEvaluationRunner"/> and replica changes by <see cref="ServiceReplicas"/>;
/// evaluations are a <see cref="DurableWakeUp"/> (a reminder brings a deployed service back after a restart).
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
    private ServiceSignals _signals = null!;
    private ServiceScaling _scaling = null!;
    private DurableWakeUp _evaluations = null!;
    private ServiceRouteNotice _routes = null!;

    private string Key => this.GetPrimaryKeyString();

    private InferenceServiceState S => state.State;

    private TimeSpan EvaluationPeriod => S.Spec is null ? TimeSpan.Zero : options.Value.EvaluationPeriod;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _routes = new ServiceRouteNotice(GrainFactory, Key);
        _evaluations = new DurableWakeUp(this, "service-evaluation", async _ => await EvaluateAsync(), keepAlive: false);
        _signals = new ServiceSignals(trainer, options.Value, () => S);
        _scaling = new ServiceScaling(S, options.Value.ReplicaStartup, options.Value.MaxDecisions);
        if (_signals.Restore() is { } unreadable)
        {
            LogModelUnreadable(logger, Key, unreadable);
        }

        return _evaluations.ResumeAsync(EvaluationPeriod);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => _evaluations.OnReminderAsync(EvaluationPeriod);

    public async Task<InferenceServiceView> DeployAsync(InferenceServiceSpec spec)
    {
        var fleet = await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        InferenceServiceSpecs.Validate(spec, [.. fleet.NodesByPool.Where(kv => kv.Value.Length > 0).Select(kv => kv.Key)]);
        InferenceServiceSpecs.ValidateDeploy(spec, Key, S.Spec, S.Replicas.Count);
        var (desired, rollTo, view) = _scaling.Deploy(spec, clock.GetUtcNow());
        await Evaluation().ReconcileAsync(spec, desired, view.At);
        await RecordAsync(view);
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
        _ = RequireSpec();
        _signals.Add(metrics);
        return Task.CompletedTask;
    }

    public Task<ScalingDecisionView> EvaluateAsync() => Evaluation().EvaluateAsync(RequireSpec(), clock.GetUtcNow());

    public Task<ImmutableArray<ServiceTick>> ReportAndEvaluateAsync(ImmutableArray<ServiceMetrics> reports) =>
        Evaluation().ReportAndEvaluateAsync(RequireSpec(), reports, clock.GetUtcNow());

    public async Task<ScalingDecisionView> ScaleAsync(int replicas, string reason)
    {
        var spec = RequireSpec();
        InferenceServiceSpecs.ValidateManualScale(spec, replicas, reason);
        var view = await Evaluation().ApplyAsync(spec, _scaling.Manual(clock.GetUtcNow(), replicas, reason, options.Value.ManualOverrideHold));
        LogManual(logger, Key, view.FromReplicas, replicas, reason);
        return view;
    }

    public async Task<InferenceServiceView> GetAsync()
    {
        RequireSpec();
        await _signals.AdoptAsync(clock.GetUtcNow());
        return View();
    }

    public Task<ServiceDemand> GetDemandAsync(TimeSpan forecastSpan)
    {
        var spec = RequireSpec();
        return Task.FromResult(new ServiceDemand(
            Key, spec.Pool, spec.ReplicaResources, S.DesiredReplicas, S.Replicas.Count, _signals.History.DemandForecast(spec, clock.GetUtcNow(), forecastSpan, DemandForecastStep), spec.MinReplicas));
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

    public Task ReplicaStartedAsync(RunStarted started) => _scaling.Started(started) ? WriteAsync() : Task.CompletedTask;

    public Task ReplicaProbedAsync(ReplicaProbe probe)
    {
        if (!_scaling.Probed(probe))
        {
            return Task.CompletedTask;
        }

        LogReplicaReady(logger, Key, probe.JobId);
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

        LogReplicaEnded(logger, Key, lost.Id, lost.Node, end.Detail);
        await Evaluation().ReplicaLostAsync(spec, lost, end, clock.GetUtcNow());
    }

    public async Task DeleteAsync()
    {
        if (S.Spec is not null)
        {
            await Replicas().RemoveAllAsync("service deleted");
        }

        await state.ClearStateAsync();
        state.State = new InferenceServiceState();
        _scaling = new ServiceScaling(S, options.Value.ReplicaStartup, options.Value.MaxDecisions);
        await _evaluations.SetAsync(TimeSpan.Zero);
        _signals.Reset();
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).RemoveServiceAsync(Key);
        await _routes.RemovedAsync();
    }

    private InferenceServiceSpec RequireSpec() => S.Spec ?? throw new WpaiNotFoundException("inference service", Key);

    private ServiceReplicas Replicas(DateTimeOffset? now = null) => new(GrainFactory, Key, S, now is { } at ? () => at : clock.GetUtcNow, launcher, PersistAsync);

    private ServiceEvaluationRunner Evaluation() =>
        new(Key, S, _signals, _scaling, options.Value, launcher, now => Replicas(now), Rollout, RecordAsync, (pool, missing) => LogNoRoom(logger, Key, pool, missing));

    private ServiceRolloutRunner Rollout() => new(S, Replicas(), clock, RecordAsync, WriteAsync);

    /// <summary>Writes the state; when the replicas the gateway may route to changed, tells the gateways at once.</summary>
    private async Task PersistAsync()
    {
        await state.WriteStateAsync();
        await _routes.ReplicasChangedAsync(S.Replicas);
    }

    private Task WriteAsync()
    {
        S.Version++;
        return PersistAsync();
    }

    private async Task<ScalingDecisionView> RecordAsync(ScalingDecisionView view)
    {
        _scaling.Record(view);
        await PersistAsync();
        return view;
    }

    private InferenceServiceView View() => _scaling.View(_signals.Window.Latest, _signals.Forecaster, options.Value.GatewayUrl is { } gateway ? $"{gateway}/services/{Key}" : null, clock.GetUtcNow());
}
