using WPAI.Domain.Common;
using WPAI.Domain.Nodes;
using WPAI.Domain.Validation;
using WPAI.Grains.Scheduling;

namespace WPAI.Grains.Nodes;

/// <summary>
/// A node: hardware, mode and the allocations it admitted. <see cref="TryReserveAsync"/> is the only admission path,
/// and a grain processes one call at a time, so the sum of allocations never exceeds capacity.
/// </summary>
[GrainType("wpai-node")]
[Fleet.PoolAffinityPlacement]
public sealed partial class NodeGrain(
    [PersistentState("node", WpaiCluster.StorageProvider)] IPersistentState<NodeState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    PoolOutbox outbox,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    private const int MaxTransitions = 100;

    /// <summary>Allocations recorded before GPU indices existed get theirs (lowest free), so every held GPU has an index.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        NodeProjection.HealGpuIndices(state.State);
        return Task.CompletedTask;
    }

    public async Task<NodeView> RegisterAsync(NodeSpec spec, NodeMode mode)
    {
        RequestContext.Remove(WpaiCluster.PoolKey); // a placement hint for this activation only: the calls below do not carry it
        Validate.Node(spec);
        if (!NodeRegistration.MustRegister(this.GetPrimaryKeyString(), spec, mode, state.State.Spec))
        {
            return View();
        }

        state.State.Spec = spec;
        state.State.Mode = mode;
        AddTransition(new ModeTransition(mode, mode, null, clock.GetUtcNow(), "registered"));
        state.State.Version++;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).AddNodeAsync(spec.Pool, spec.Name);
        LogRegistered(logger, spec.Name, spec.Pool, spec.Gpus, mode);
        await GrainFactory.GetGrain<IPoolSchedulerGrain>(spec.Pool).RegisterNodeAsync(Capacity());
        return View();
    }

    public Task<NodeView> GetAsync() => Task.FromResult(View());

    public async Task<ReservationResult> TryReserveAsync(ReservationRequest request)
    {
        var spec = RequireSpec();
        if (state.State.Allocations.TryGetValue(request.OwnerId, out var held))
        {
            return new ReservationResult(true, "already reserved", Capacity(), held.GpuIndices);
        }

        var (allocation, refusal) = NodeAdmission.Decide(
            spec, state.State.Mode, state.State.Target, state.State.Cordoned, state.State.Allocations.Values, request, clock.GetUtcNow());
        if (allocation is null)
        {
            return new ReservationResult(false, refusal, Capacity());
        }

        state.State.Allocations[request.OwnerId] = allocation;
        state.State.Version++;
        await state.WriteStateAsync();
        return new ReservationResult(true, null, Capacity(), allocation.GpuIndices);
    }

    public async Task<NodeCapacity> ReleaseAsync(string ownerId)
    {
        if (await FreeAsync(ownerId))
        {
            await PushAsync();
        }

        return Capacity();
    }

    public async Task<NodeCapacity> ReleaseForSchedulerAsync(string ownerId)
    {
        await FreeAsync(ownerId);
        return Capacity();
    }

    public async Task<NodeView> ChangeModeAsync(NodeMode target, string reason)
    {
        var spec = RequireSpec();
        NodeHandover.RequireReason(reason);
        var from = state.State.Mode;
        NodeModes.EnsureLegal(spec.Name, from, target);
        if (from == target)
        {
            return View();
        }

        // An admin who drains a node by hand drains it towards the other side, as a handover would.
        return await MoveAsync(spec, target, NodeHandover.ManualTarget(from, target), reason);
    }

    public async Task<NodeView> BeginHandoverAsync(NodeMode target, string reason)
    {
        var spec = RequireSpec();
        NodeHandover.RequireReason(reason);
        if (!NodeHandover.MustBegin(spec.Name, state.State.Mode, state.State.Target, target))
        {
            return View();
        }

        return await MoveAsync(spec, NodeMode.Unnormal, target, reason);
    }

    public async Task<NodeView> CompleteHandoverAsync(string reason)
    {
        var spec = RequireSpec();
        NodeHandover.RequireReason(reason);
        return NodeHandover.CompletesTo(spec.Name, state.State.Mode, state.State.Target, state.State.Allocations.Values) is { } target
            ? await MoveAsync(spec, target, null, reason)
            : View(); // completed before (a retry), or still holding work its target excludes
    }

    public async Task<NodeView> SetCordonAsync(bool cordoned, string reason)
    {
        var spec = RequireSpec();
        NodeHandover.RequireReason(reason);
        if (state.State.Cordoned == cordoned)
        {
            return View();
        }

        state.State.Cordoned = cordoned;
        var mode = state.State.Mode;
        AddTransition(new ModeTransition(mode, mode, state.State.Target, clock.GetUtcNow(), (cordoned ? "cordoned: " : "uncordoned: ") + reason));
        state.State.Version++;
        await state.WriteStateAsync();
        await PushAsync();
        return View();
    }

    public async Task RemoveAsync(string reason)
    {
        NodeHandover.RequireReason(reason);
        if (state.State.Spec is not { } spec)
        {
            return; // removed before
        }

        NodeRegistration.EnsureRemovable(spec, state.State.Allocations.Keys);

        // The scheduler forgets its capacity (a Down node with nothing), the fleet its name; then the state goes.
        await GrainFactory.GetGrain<IPoolSchedulerGrain>(spec.Pool).NodeChangedAsync(
            new NodeCapacity(spec.Name, spec.Pool, NodeMode.Down, Resources.None, Resources.None, state.State.Version + 1), outbox.Next(spec.Pool));
        await GrainFactory.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).RemoveNodeAsync(spec.Pool, spec.Name);
        await state.ClearStateAsync();
        LogRemoved(logger, spec.Name, reason);
        DeactivateOnIdle();
    }

    private async Task<NodeView> MoveAsync(NodeSpec spec, NodeMode to, NodeMode? target, string reason)
    {
        var from = state.State.Mode;
        state.State.Mode = to;
        state.State.Target = target;
        AddTransition(new ModeTransition(from, to, target, clock.GetUtcNow(), reason));

        state.State.Version++;
        await state.WriteStateAsync();
        LogModeChanged(logger, spec.Name, from, to, target, reason);
        await PushAsync();
        return View();
    }

    private void AddTransition(ModeTransition transition) => BoundedList.AddNewestLast(state.State.Transitions, transition, MaxTransitions);

    private NodeSpec RequireSpec() =>
        state.State.Spec ?? throw new WpaiNotFoundException("node", this.GetPrimaryKeyString());

    /// <summary>Removes the owner's allocation and writes; false when it held none.</summary>
    private async Task<bool> FreeAsync(string ownerId)
    {
        RequireSpec();
        if (!state.State.Allocations.Remove(ownerId))
        {
            return false;
        }

        state.State.Version++;
        await state.WriteStateAsync();
        return true;
    }

    private NodeCapacity Capacity() => NodeProjection.Capacity(state.State, RequireSpec());

    private NodeView View() => NodeProjection.View(state.State, RequireSpec());

    /// <summary>Tells the pool's scheduler (one-way, so a scheduler awaiting this node never deadlocks).</summary>
    private Task PushAsync() =>
        GrainFactory.GetGrain<IPoolSchedulerGrain>(state.State.Spec!.Pool).NodeChangedAsync(Capacity(), outbox.Next(state.State.Spec!.Pool));
}
