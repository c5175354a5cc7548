using System.Globalization;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Mixing;

namespace WPAI.Grains.Mixing;

/// <summary>
/// The mixing controller of one pool (key: pool name), a thin shell around <see cref="MixingPolicy"/>: each tick it
/// gathers the pool's node views and the services' demand, drives any handover in progress to its target, asks the
/// policy for new handovers, carries them out, pushes the lent nodes' expected reclaim times to the pool scheduler
/// (look-ahead b), and persists its counters and decisions.
/// <para>Lending: OnlineNormal → Unnormal(target OfflineNormal) → each replica moved to another online node (placed
/// anew first, then released) → OfflineNormal; when the replicas find no room, the lend is aborted back to
/// OnlineNormal. Reclaim: OfflineNormal → Unnormal(target OnlineNormal) → the node drains for the settings'
/// <c>ReclaimGrace</c> (jobs that end meanwhile are not killed; pending replicas or demand above the serving GPUs end the
/// grace at once) → each training job left killed and re-queued keeping its wait (counted as a kill) → OnlineNormal. The node admits nothing new while Unnormal and completes only
/// once it holds nothing of the other kind, so a restart at any point leaves it consistent, and the next tick
/// finishes the handover from the node's recorded target.</para>
/// </summary>
[GrainType("wpai-mixing-controller")]
public sealed partial class MixingControllerGrain(
    [PersistentState("mixing", WpaiCluster.StorageProvider)] IPersistentState<MixingControllerState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    ILogger<MixingControllerGrain> logger) : Grain, IMixingControllerGrain
{
    private const int MaxDecisions = 100;
    private const int FanOut = 32;
    private const string ReplicaMarker = "/replica-";

    /// <summary>How far ahead the services forecast when lent nodes get expected reclaim times (look-ahead b).</summary>
    private static readonly TimeSpan ReclaimForecastSpan = TimeSpan.FromHours(24);

    /// <summary>Training reservations on a draining node whose job did not run there on the previous tick.</summary>
    private readonly HashSet<(string Node, string Owner)> _suspects = [];
    private IGrainTimer? _timer;
    private TimeSpan _timerInterval;

    private string Pool => this.GetPrimaryKeyString();

    private MixingControllerState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        EnsureTimer();
        return Task.CompletedTask;
    }

    public async Task<MixingView> ConfigureAsync(MixingSettings settings)
    {
        MixingPolicy.Validate(settings);
        S.Settings = settings;
        await state.WriteStateAsync();
        LogConfigured(logger, Pool, settings.ToString());
        EnsureTimer();
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
        var decisions = new List<MixingDecision>();
        var fleet = await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        var views = await LoadNodesAsync(fleet);
        var demands = await LoadDemandAsync(fleet, settings);
        var now = clock.GetUtcNow();
        var pendingReplicas = demands.Sum(Pending);
        var demandGpus = DemandGpus(demands);
        bool Urgent() => MixingPolicy.ReclaimIsUrgent(demandGpus, views.Values.Where(v => v.Mode == NodeMode.OnlineNormal).Sum(v => v.Spec.Gpus), pendingReplicas);

        // Handovers in progress (draining within their grace, a tick that stopped half-way, or a restart) are driven to
        // their recorded target first.
        foreach (var view in views.Values.Where(v => v.Mode == NodeMode.Unnormal && v.TargetMode is not null).ToList())
        {
            var urgent = Urgent();
            var since = view.Transitions.LastOrDefault(t => t.To == NodeMode.Unnormal)?.At ?? now;
            var killNow = MixingPolicy.KillsNow(settings, since, now, urgent);
            var reason = view.TargetMode != NodeMode.OnlineNormal ? "handover in progress resumed"
                : !killNow ? "taking the node back: draining within its grace"
                : urgent ? "taking the node back: inference needs it now (replicas pending or demand above the serving GPUs)"
                : string.Create(CultureInfo.InvariantCulture, $"taking the node back: its grace of {settings.ReclaimGrace:g} is over");
            views[view.Spec.Name] = await DriveAsync(view, view.TargetMode!.Value, S.UsageRate, reason, decisions, killNow);
        }

        var plan = MixingPolicy.Decide(settings, Snapshot(now, views.Values, demands));
        foreach (var handover in plan.Handovers)
        {
            var view = views[handover.Node];
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

            Record(decisions, handover.Node, view.Mode, NodeMode.Unnormal, handover.Target, plan.UsageRate, handover.Reason, [], []);
            var killNow = MixingPolicy.KillsNow(settings, now, now, Urgent());
            views[handover.Node] = await DriveAsync(begun, handover.Target, plan.UsageRate, handover.Reason, decisions, killNow);
        }

        await GrainFactory.GetGrain<IPoolSchedulerGrain>(Pool).SetReclaimForecastAsync(plan.ReclaimBy);

        S.LastTick = now;
        S.OnlineGpus = plan.OnlineGpus;
        S.DemandGpus = plan.DemandGpus;
        S.PendingReplicas = pendingReplicas;
        S.UsageRate = plan.UsageRate;
        S.ForecastRate = plan.ForecastRate;
        S.Summary = plan.Summary;
        S.LentNodes = [.. views.Values.Where(v => v.Mode == NodeMode.OfflineNormal).Select(v => v.Spec.Name).Order(StringComparer.Ordinal)];
        S.Draining = [.. views.Values.Where(v => v.Mode == NodeMode.Unnormal).Select(v => v.Spec.Name).Order(StringComparer.Ordinal)];
        await state.WriteStateAsync();
        return [.. decisions];
    }

    /// <summary>
    /// Carries a node that is Unnormal towards <paramref name="target"/> as far as it can now: moves its replicas off
    /// (lending) or, when <paramref name="killNow"/>, kills its training jobs (reclaim; otherwise they may still end
    /// within the grace), then completes the handover if nothing of the other kind is left. Returns the node's view after.
    /// </summary>
    private async Task<NodeView> DriveAsync(NodeView view, NodeMode target, double rate, string reason, List<MixingDecision> decisions, bool killNow)
    {
        var name = view.Spec.Name;
        var node = GrainFactory.GetGrain<INodeGrain>(name);
        var moved = ImmutableArray.CreateBuilder<string>();
        var killed = ImmutableArray.CreateBuilder<string>();
        var aborted = false;
        if (target == NodeMode.OfflineNormal)
        {
            await MoveReplicasAsync(view, moved);
            view = await node.GetAsync();
            if (view.Allocations.Any(a => a.Kind == AllocationKind.InferenceReplica))
            {
                // No room for the replicas on the other online nodes: the node goes back to serving.
                const string abort = "lend aborted: its replicas found no room on the other online nodes";
                view = await node.BeginHandoverAsync(NodeMode.OnlineNormal, abort);
                Record(decisions, name, NodeMode.Unnormal, NodeMode.Unnormal, NodeMode.OnlineNormal, rate, abort, [], moved.ToImmutable());
                moved.Clear();
                target = NodeMode.OnlineNormal;
                reason = abort;
                aborted = true;
            }
        }

        if (target == NodeMode.OnlineNormal && killNow)
        {
            await KillTrainingAsync(view, reason, killed);
        }

        var done = await node.CompleteHandoverAsync(reason);
        if (done.Mode == target)
        {
            if (target == NodeMode.OfflineNormal)
            {
                S.Lent++;
            }
            else if (!aborted)
            {
                S.Reclaimed++;
            }

            S.Kills += killed.Count;
            Record(decisions, name, NodeMode.Unnormal, target, target, rate, reason, killed.ToImmutable(), moved.ToImmutable());
            await state.WriteStateAsync();
        }
        else if (killed.Count > 0 || moved.Count > 0)
        {
            S.Kills += killed.Count;
            var waiting = $"{reason}; still draining: {string.Join(", ", done.Allocations.Select(a => a.OwnerId))} left on the node";
            Record(decisions, name, NodeMode.Unnormal, NodeMode.Unnormal, target, rate, waiting, killed.ToImmutable(), moved.ToImmutable());
            await state.WriteStateAsync();
        }

        return done;
    }

    private async Task MoveReplicasAsync(NodeView view, ImmutableArray<string>.Builder moved)
    {
        var name = view.Spec.Name;
        var replicas = view.Allocations.Where(a => a.Kind == AllocationKind.InferenceReplica).ToList();
        foreach (var service in replicas.Select(a => ServiceOf(a.OwnerId)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            try
            {
                moved.AddRange(await GrainFactory.GetGrain<IInferenceServiceGrain>(service).MoveReplicasOffAsync(name));
            }
            catch (WpaiNotFoundException)
            {
                // The service is gone; its replicas' allocations are released below.
            }
        }

        // Replica allocations of no (existing) service hold the node for nothing.
        foreach (var orphan in replicas.Where(a => ServiceOf(a.OwnerId) is null))
        {
            await GrainFactory.GetGrain<INodeGrain>(name).ReleaseAsync(orphan.OwnerId);
            LogOrphanReleased(logger, Pool, name, orphan.OwnerId);
        }

        var left = (await GrainFactory.GetGrain<INodeGrain>(name).GetAsync()).Allocations.Where(a => a.Kind == AllocationKind.InferenceReplica).ToList();
        foreach (var allocation in left)
        {
            if (ServiceOf(allocation.OwnerId) is { } service && !await ServiceExistsAsync(service))
            {
                await GrainFactory.GetGrain<INodeGrain>(name).ReleaseAsync(allocation.OwnerId);
                LogOrphanReleased(logger, Pool, name, allocation.OwnerId);
            }
        }
    }

    private async Task<bool> ServiceExistsAsync(string service)
    {
        try
        {
            await GrainFactory.GetGrain<IInferenceServiceGrain>(service).GetDemandAsync(TimeSpan.Zero);
            return true;
        }
        catch (WpaiNotFoundException)
        {
            return false;
        }
    }

    private async Task KillTrainingAsync(NodeView view, string reason, ImmutableArray<string>.Builder killed)
    {
        var name = view.Spec.Name;
        var seen = new HashSet<(string Node, string Owner)>();
        foreach (var allocation in view.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob))
        {
            var job = GrainFactory.GetGrain<IJobGrain>(allocation.OwnerId);
            if (await job.ReclaimAsync(name, $"pool {Pool} takes the node back for inference: {reason}"))
            {
                killed.Add(allocation.OwnerId);
                continue;
            }

            // A reservation whose job does not run here: a placement still being started, or one a crash left behind.
            // It gets one tick to start (then the next tick kills it); after that it is released.
            var key = (name, allocation.OwnerId);
            seen.Add(key);
            if (_suspects.Contains(key))
            {
                await GrainFactory.GetGrain<INodeGrain>(name).ReleaseAsync(allocation.OwnerId);
                LogOrphanReleased(logger, Pool, name, allocation.OwnerId);
                seen.Remove(key);
            }
        }

        _suspects.RemoveWhere(k => k.Node == name && !seen.Contains(k));
        _suspects.UnionWith(seen);
    }

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
        var span = settings.Policy != MixingPolicyKind.Threshold ? TimeSpan.Zero
            : settings.AvoidDoomedPlacement ? (settings.LookAheadHorizon > ReclaimForecastSpan ? settings.LookAheadHorizon : ReclaimForecastSpan)
            : settings.ReclaimAhead ? settings.LookAheadHorizon
            : TimeSpan.Zero;
        var services = fleet.Services.IsDefault ? [] : fleet.Services;
        var demands = new List<ServiceDemand>();
        foreach (var chunk in services.Chunk(FanOut))
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

    /// <summary>The policy's input from the node views and the services' demand.</summary>
    private static MixingSnapshot Snapshot(DateTimeOffset now, IEnumerable<NodeView> views, IReadOnlyList<ServiceDemand> demands)
    {
        var nodes = views.Select(v => new MixingNode(
            v.Spec.Name,
            v.Mode,
            v.TargetMode,
            v.Spec.Gpus,
            v.Allocations.Where(a => a.Kind == AllocationKind.InferenceReplica).Sum(a => a.Resources.Gpus),
            [.. v.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob).Select(a => new TrainingRun(a.OwnerId, a.Resources.Gpus, a.Since))],
            v.Transitions.LastOrDefault(t => t.From != t.To)?.At)).ToImmutableArray();
        var demand = DemandGpus(demands);
        var pending = demands.SelectMany(d => Enumerable.Repeat(d.ReplicaResources.Gpus, Pending(d))).ToImmutableArray();

        // Forecast demand per step: services without a forecast count with their current desired replicas.
        var steps = demands.Select(d => d.Forecast.IsDefault ? 0 : d.Forecast.Length).DefaultIfEmpty(0).Max();
        var forecast = ImmutableArray.CreateBuilder<DemandPoint>(steps);
        for (var i = 0; i < steps; i++)
        {
            var at = demands.First(d => !d.Forecast.IsDefault && d.Forecast.Length > i).Forecast[i].At;
            var gpus = demands.Sum(d => (double)(!d.Forecast.IsDefault && d.Forecast.Length > i ? d.Forecast[i].Replicas : d.DesiredReplicas) * d.ReplicaResources.Gpus);
            forecast.Add(new DemandPoint(at, gpus));
        }

        return new MixingSnapshot(now, nodes, demand, pending, forecast.ToImmutable());
    }

    /// <summary>Inference demand in GPUs: the services' desired replicas, pending ones included.</summary>
    private static double DemandGpus(IEnumerable<ServiceDemand> demands) => demands.Sum(d => (double)d.DesiredReplicas * d.ReplicaResources.Gpus);

    /// <summary>A service's replicas that are desired but not placed.</summary>
    private static int Pending(ServiceDemand demand) => Math.Max(0, demand.DesiredReplicas - demand.PlacedReplicas);

    private static string? ServiceOf(string owner)
    {
        var i = owner.LastIndexOf(ReplicaMarker, StringComparison.Ordinal);
        return i > 0 ? owner[..i] : null;
    }

    private void Record(List<MixingDecision> decisions, string node, NodeMode from, NodeMode to, NodeMode target, double rate, string reason, ImmutableArray<string> killed, ImmutableArray<string> moved)
    {
        var decision = new MixingDecision(clock.GetUtcNow(), node, from, to, target, rate, reason, killed, moved);
        decisions.Add(decision);
        S.Decisions.Insert(0, decision);
        if (S.Decisions.Count > MaxDecisions)
        {
            S.Decisions.RemoveRange(MaxDecisions, S.Decisions.Count - MaxDecisions);
        }

        LogDecision(logger, Pool, node, from, to, target, reason);
    }

    private MixingSettings RequireSettings() =>
        S.Settings ?? throw new WpaiNotFoundException("mixing controller", Pool);

    private void EnsureTimer()
    {
        var interval = S.Settings?.TickInterval ?? TimeSpan.Zero;
        if (_timer is not null && interval == _timerInterval)
        {
            return;
        }

        _timer?.Dispose();
        _timer = null;
        _timerInterval = interval;
        if (interval > TimeSpan.Zero)
        {
            _timer = this.RegisterGrainTimer(TickTimerAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
        }
    }

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

    private MixingView View()
    {
        var settings = RequireSettings();
        return new MixingView(
            Pool,
            settings,
            S.LastTick,
            S.OnlineGpus,
            S.DemandGpus,
            S.PendingReplicas,
            S.UsageRate,
            S.ForecastRate,
            [.. S.LentNodes],
            [.. S.Draining],
            S.Lent,
            S.Reclaimed,
            S.Kills,
            [.. S.Decisions],
            S.Summary);
    }
}
