using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Common;
using WPAI.Domain.Mixing;
using WPAI.Grains.Common;

namespace WPAI.Grains.Mixing;

/// <summary>
/// The mixing controller of one pool (key: pool name), a thin shell around <see cref="MixingPolicy"/>: each tick it
/// gathers the pool's node views and the services' demand (<see cref="MixingSnapshot.From"/>), drives handovers in
/// progress to their target and carries out new ones (<see cref="HandoverDriver"/>), pushes the lent nodes' expected
/// reclaim times to the pool scheduler, and persists its counters and decisions. Its ticks are a <see cref="DurableWakeUp"/>
/// (a reminder brings it back after a restart). The handover protocol and its restart safety: docs/architecture.md,
/// "Mixing controller".
/// </summary>
[GrainType("wpai-mixing-controller")]
public sealed partial class MixingControllerGrain(
    [PersistentState("mixing", WpaiCluster.StorageProvider)] IPersistentState<MixingControllerState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    ILogger<MixingControllerGrain> logger) : Grain, IMixingControllerGrain, IHandoverBook, IRemindable
{
    private const int MaxDecisions = 100;
    private const int FanOut = 32;

    /// <summary>How far ahead the services forecast when lent nodes get expected reclaim times (look-ahead b).</summary>
    private static readonly TimeSpan ReclaimForecastSpan = TimeSpan.FromHours(24);

    private readonly SuspectReservations _suspects = new();
    private List<MixingDecision> _tickDecisions = [];
    private DurableWakeUp _ticks = null!;

    private string Pool => this.GetPrimaryKeyString();

    private MixingControllerState S => state.State;

    private TimeSpan TickInterval => S.Settings?.TickInterval ?? TimeSpan.Zero;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ticks = new DurableWakeUp(this, "mixing-tick", TickTimerAsync, keepAlive: true);
        return _ticks.ResumeAsync(TickInterval);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => _ticks.OnReminderAsync(TickInterval);

    public async Task<MixingView> ConfigureAsync(MixingSettings settings)
    {
        MixingPolicy.Validate(settings);
        S.Settings = settings;
        await state.WriteStateAsync();
        LogConfigured(logger, Pool, settings.ToString());
        await _ticks.SetAsync(TickInterval);
        return View();
    }

    public Task<MixingView> GetAsync()
    {
        RequireSettings();
        return Task.FromResult(View());
    }

    public async Task<ImmutableArray<MixingDecision>> TickAsync()
    {
        var settings = RequireSettings();
        _tickDecisions = [];
        var fleet = await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        var views = await LoadNodesAsync(fleet);
        var demands = await LoadDemandAsync(fleet, settings);
        var now = clock.GetUtcNow();
        var pendingReplicas = InferenceDemand.Pending(demands);
        bool Urgent() => MixingPolicy.ReclaimIsUrgent(settings, views.Values, demands);
        var driver = new HandoverDriver(GrainFactory, Pool, _suspects, this, clock);
        var ends = settings.ReclaimSoonestEnding || settings.DrainOnForecast || settings.KillOnlyForRoom ? await driver.ExpectedEndsAsync(views.Values) : null;
        var before = MixingSnapshot.From(now, views.Values, demands, ends);
        var drainUntil = MixingPolicy.DrainUntil(settings, before.Forecast, MixingPolicy.ServingGpus(views.Values), now);

        // Handovers in progress (draining within their grace, a tick that stopped half-way, or a restart) are driven to
        // their recorded target first.
        foreach (var view in MixingPolicy.InProgressOrder(settings, before).Select(n => views[n]))
        {
            var urgent = Urgent();
            var since = view.Transitions.LastOrDefault(t => t.To == NodeMode.Unnormal)?.At ?? now;
            var killNow = MixingPolicy.KillsNow(settings, since, now, urgent, drainUntil);
            var reason = MixingReasons.Resume(settings, view.TargetMode!.Value, killNow, urgent);
            views[view.Spec.Name] = await driver.DriveAsync(view, view.TargetMode!.Value, S.UsageRate, reason, killNow, urgent);
        }

        var plan = MixingPolicy.Decide(settings, MixingSnapshot.From(now, views.Values, demands, ends));
        foreach (var handover in plan.Handovers)
        {
            NodeView begun;
            try
            {
                begun = await GrainFactory.GetGrain<INodeGrain>(handover.Node).BeginHandoverAsync(handover.Target, handover.Reason);
            }
            catch (WpaiValidationException e)
            {
                LogSkipped(logger, Pool, handover.Node, e.Message);
                continue;
            }

            Record(handover.Node, views[handover.Node].Mode, NodeMode.Unnormal, handover.Target, plan.UsageRate, handover.Reason, [], []);
            views[handover.Node] = await driver.DriveAsync(begun, handover.Target, plan.UsageRate, handover.Reason, MixingPolicy.KillsNow(settings, now, now, Urgent(), drainUntil), Urgent());
        }

        if (settings.PlaceOnReclaim && _tickDecisions.Any(d => d.To == NodeMode.OnlineNormal))
        {
            // Capacity came back: the services with pending replicas place them now, not at their next evaluation.
            await Task.WhenAll(demands.Where(d => InferenceDemand.Pending(d) > 0).Select(d => GrainFactory.GetGrain<IInferenceServiceGrain>(d.Service).EvaluateAsync()));
        }

        await GrainFactory.GetGrain<IPoolSchedulerGrain>(Pool).SetReclaimForecastAsync(plan.ReclaimBy);
        (S.LastTick, S.OnlineGpus, S.DemandGpus, S.PendingReplicas) = (now, plan.OnlineGpus, plan.DemandGpus, pendingReplicas);
        (S.UsageRate, S.ForecastRate, S.Summary, S.Unit) = (plan.UsageRate, plan.ForecastRate, plan.Summary, before.Unit.ToString());
        S.LentNodes = [.. views.Values.Where(v => v.Mode == NodeMode.OfflineNormal).Select(v => v.Spec.Name).Order(StringComparer.Ordinal)];
        S.Draining = [.. views.Values.Where(v => v.Mode == NodeMode.Unnormal).Select(v => v.Spec.Name).Order(StringComparer.Ordinal)];
        await state.WriteStateAsync();
        return [.. _tickDecisions];
    }

    void IHandoverBook.Record(string node, NodeMode from, NodeMode to, NodeMode target, double rate, string reason, ImmutableArray<string> killed, ImmutableArray<string> moved) =>
        Record(node, from, to, target, rate, reason, killed, moved);

    private void Record(string node, NodeMode from, NodeMode to, NodeMode target, double rate, string reason, ImmutableArray<string> killed, ImmutableArray<string> moved)
    {
        var decision = new MixingDecision(clock.GetUtcNow(), node, from, to, target, rate, reason, killed, moved);
        _tickDecisions.Add(decision);
        BoundedList.AddNewestFirst(S.Decisions, decision, MaxDecisions);
        LogDecision(logger, Pool, node, from, to, target, reason);
    }

    async Task IHandoverBook.CountAsync(Func<MixingCounters, MixingCounters> change)
    {
        (S.Lent, S.Reclaimed, S.Kills) = change(new MixingCounters(S.Lent, S.Reclaimed, S.Kills));
        await state.WriteStateAsync();
    }

    void IHandoverBook.OrphanReleased(string node, string owner) => LogOrphanReleased(logger, Pool, node, owner);

    private async Task<Dictionary<string, NodeView>> LoadNodesAsync(FleetView fleet)
    {
        var names = fleet.NodesByPool.TryGetValue(Pool, out var n) ? n : [];
        var views = new Dictionary<string, NodeView>(StringComparer.Ordinal);
        foreach (var chunk in names.Chunk(FanOut))
        {
            foreach (var view in await Task.WhenAll(chunk.Select(name => GrainFactory.GetGrain<INodeGrain>(name).GetAsync())))
            {
                views[view.Spec.Name] = view;
            }
        }

        return views;
    }

    private async Task<List<ServiceDemand>> LoadDemandAsync(FleetView fleet, MixingSettings settings)
    {
        var span = MixingPolicy.DemandForecastSpan(settings, ReclaimForecastSpan);
        var demands = new List<ServiceDemand>();
        foreach (var chunk in (fleet.Services.IsDefault ? [] : fleet.Services).Chunk(FanOut))
        {
            var answers = await Task.WhenAll(chunk.Select(async s =>
            {
                try
                {
                    return await GrainFactory.GetGrain<IInferenceServiceGrain>(s).GetDemandAsync(span);
                }
                catch (WpaiNotFoundException)
                {
                    return null;
                }
            }));
            demands.AddRange(answers.OfType<ServiceDemand>().Where(d => string.Equals(d.Pool, Pool, StringComparison.Ordinal)));
        }

        return demands;
    }

    private MixingSettings RequireSettings() => S.Settings ?? throw new WpaiNotFoundException("mixing controller", Pool);

    private async Task TickTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await TickAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogTickFailed(logger, Pool, e);
        }
    }

    private MixingView View() =>
        new(Pool, RequireSettings(), S.LastTick, S.OnlineGpus, S.DemandGpus, S.PendingReplicas, S.UsageRate, S.ForecastRate,
            [.. S.LentNodes], [.. S.Draining], S.Lent, S.Reclaimed, S.Kills, [.. S.Decisions], S.Summary, S.Unit);
}
