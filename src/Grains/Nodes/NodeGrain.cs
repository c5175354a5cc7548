using WPAI.Domain.Nodes;
using WPAI.Domain.Validation;

namespace WPAI.Grains.Nodes;

/// <summary>
/// A node: hardware, mode and the allocations it admitted. <see cref="TryReserveAsync"/> is the only admission path,
/// and a grain processes one call at a time, so the sum of allocations never exceeds capacity.
/// </summary>
[GrainType("wpai-node")]
public sealed partial class NodeGrain(
    [PersistentState("node", WpaiCluster.StorageProvider)] IPersistentState<NodeState> state,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    private const int MaxTransitions = 100;

    public async Task<NodeView> RegisterAsync(NodeSpec spec, NodeMode mode)
    {
        Validate.Node(spec);
        var key = this.GetPrimaryKeyString();
        if (!string.Equals(spec.Name, key, StringComparison.Ordinal))
        {
            throw new WpaiValidationException("spec.name", $"'{spec.Name}' does not match the node grain key '{key}'", "Register a node under its own name.");
        }

        if (mode is NodeMode.Unnormal)
        {
            throw new WpaiValidationException("mode", "a node cannot be registered as Unnormal (draining)", "Register it as OnlineNormal, OfflineNormal, Fixed or Down.");
        }

        if (state.State.Spec is { } existing)
        {
            if (existing != spec)
            {
                throw new WpaiValidationException(
                    "spec",
                    $"node '{key}' is already registered with different hardware ({existing.Pool}, {existing.Capacity}); got ({spec.Pool}, {spec.Capacity})",
                    "Remove the node first or register it with its existing hardware.");
            }

            return View();
        }

        state.State.Spec = spec;
        state.State.Mode = mode;
        state.State.Transitions.Add(new ModeTransition(mode, mode, null, clock.GetUtcNow(), "registered"));
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
        if (state.State.Allocations.ContainsKey(request.OwnerId))
        {
            return new ReservationResult(true, "already reserved", Capacity());
        }

        if (!request.Resources.IsNonNegative)
        {
            throw new WpaiValidationException("request.resources", $"must not be negative ({request.Resources})", "Ask for zero or more of each resource.");
        }

        if (!request.AllowedModes.Contains(state.State.Mode))
        {
            return new ReservationResult(false, $"node {spec.Name} is {state.State.Mode}", Capacity());
        }

        var free = Free(spec);
        if (!free.Fits(request.Resources))
        {
            return new ReservationResult(false, $"node {spec.Name} has {free} free, needs {request.Resources}", Capacity());
        }

        state.State.Allocations[request.OwnerId] = new NodeAllocation(request.OwnerId, request.Kind, request.Resources, clock.GetUtcNow());
        state.State.Version++;
        await state.WriteStateAsync();
        return new ReservationResult(true, null, Capacity());
    }

    public async Task<NodeCapacity> ReleaseAsync(string ownerId)
    {
        RequireSpec();
        if (!state.State.Allocations.Remove(ownerId))
        {
            return Capacity();
        }

        state.State.Version++;
        await state.WriteStateAsync();
        await PushAsync();
        return Capacity();
    }

    public async Task<NodeView> ChangeModeAsync(NodeMode target, string reason)
    {
        var spec = RequireSpec();
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new WpaiValidationException("reason", "must not be empty", "Say why the mode changes.");
        }

        var from = state.State.Mode;
        NodeModes.EnsureLegal(spec.Name, from, target);
        if (from == target)
        {
            return View();
        }

        state.State.Mode = target;
        state.State.Target = null;
        state.State.Transitions.Add(new ModeTransition(from, target, null, clock.GetUtcNow(), reason));
        if (state.State.Transitions.Count > MaxTransitions)
        {
            state.State.Transitions.RemoveRange(0, state.State.Transitions.Count - MaxTransitions);
        }

        state.State.Version++;
        await state.WriteStateAsync();
        LogModeChanged(logger, spec.Name, from, target, reason);
        await PushAsync();
        return View();
    }

    private NodeSpec RequireSpec() =>
        state.State.Spec ?? throw new WpaiNotFoundException("node", this.GetPrimaryKeyString());

    private Resources Free(NodeSpec spec) =>
        state.State.Allocations.Values.Aggregate(spec.Capacity, (free, a) => free.Subtract(a.Resources));

    private NodeCapacity Capacity()
    {
        var spec = RequireSpec();
        return new NodeCapacity(spec.Name, spec.Pool, state.State.Mode, spec.Capacity, Free(spec), state.State.Version);
    }

    private NodeView View()
    {
        var spec = RequireSpec();
        var free = Free(spec);
        return new NodeView(
            spec,
            state.State.Mode,
            state.State.Target,
            spec.Capacity.Subtract(free),
            free,
            [.. state.State.Allocations.Values.OrderBy(a => a.Since).ThenBy(a => a.OwnerId, StringComparer.Ordinal)],
            [.. state.State.Transitions],
            state.State.Version);
    }

    /// <summary>Tells the pool's scheduler (one-way, so a scheduler awaiting this node never deadlocks).</summary>
    private Task PushAsync() =>
        GrainFactory.GetGrain<IPoolSchedulerGrain>(state.State.Spec!.Pool).NodeChangedAsync(Capacity());
}
