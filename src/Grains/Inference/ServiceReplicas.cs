using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Ports;
using WPAI.Domain.Common;
using WPAI.Domain.Inference;

namespace WPAI.Grains.Inference;

/// <summary>
/// Carries out a service's replica changes on its persisted state: placing replicas through the pool scheduler's
/// reservation path and launching them (<see cref="IReplicaLauncher"/>), draining and then stopping and releasing them
/// (<see cref="ReconcileAsync"/>, <see cref="StopDrainedAsync"/>), replacing one whose process ended
/// (<see cref="EndedAsync"/>), and moving them off a node that is lent to training (<see cref="MoveOffAsync"/>). The
/// replicas' life cycle is a <see cref="ReplicaSet"/>; ids are <see cref="ReplicaId"/>s. Used inside the service
/// grain's turn only.
/// </summary>
internal sealed class ServiceReplicas(IGrainFactory grains, string service, InferenceServiceState state, Func<DateTimeOffset> now, IReplicaLauncher launcher, Func<Task> persistAsync)
{
    private ReplicaSet Set => new(state.Replicas);

    /// <summary>
    /// Places (and launches) or retires replicas until <paramref name="desired"/> serve; returns how many the pool had no
    /// room for. Replicas that run as processes drain before they stop (<see cref="StopDrainedAsync"/>); reservations
    /// are released at once. With <paramref name="holdStarts"/> (a crash-loop back-off) none is added.
    /// </summary>
    public async Task<int> ReconcileAsync(InferenceServiceSpec spec, int desired, bool holdStarts = false)
    {
        state.DesiredReplicas = desired;
        var set = Set;
        while (!holdStarts && set.Serving < desired)
        {
            if (!await AddAsync(spec, spec.ModelRepository))
            {
                return desired - set.Serving;
            }
        }

        if (set.Serving > desired && launcher.RunsProcesses)
        {
            set.BeginDrain(set.Serving - desired, now(), "scale-in");
            await persistAsync();
        }

        while (set.Serving > desired)
        {
            var replica = state.Replicas[^1];
            await grains.GetGrain<INodeGrain>(replica.Node).ReleaseAsync(replica.Id);
            state.Replicas.RemoveAt(state.Replicas.Count - 1);
        }

        return 0;
    }

    /// <summary>Places one replica serving <paramref name="repository"/> and launches it; false when the pool has no room.</summary>
    public async Task<bool> AddAsync(InferenceServiceSpec spec, string? repository)
    {
        var id = new ReplicaId(service, state.NextReplica).ToString();
        if (await grains.GetGrain<IPoolSchedulerGrain>(spec.Pool).PlaceReplicaAsync(id, spec.ReplicaResources) is not { } node)
        {
            return false;
        }

        state.NextReplica++;
        var replica = new ReplicaView(id, node, now(), ModelRepository: repository);
        Set.Add(replica);
        if (launcher.RunsProcesses && repository is not null)
        {
            await persistAsync(); // recorded before it is ordered: a crash in between leaves a replica to replace, never an unknown process
            await launcher.StartAsync(spec, replica);
        }

        return true;
    }

    /// <summary>Stops and releases the replicas that finished draining; returns them.</summary>
    public async Task<ImmutableArray<ReplicaView>> StopDrainedAsync(TimeSpan drainTime)
    {
        var drained = Set.Drained(now(), drainTime);
        foreach (var replica in drained)
        {
            await launcher.StopAsync(replica, replica.Detail ?? "drained");
            await grains.GetGrain<INodeGrain>(replica.Node).ReleaseAsync(replica.Id);
            Set.Remove(replica.Id);
        }

        if (drained.Length > 0)
        {
            await persistAsync();
        }

        return drained;
    }

    /// <summary>Stops (without draining) and releases every replica: the service is deleted.</summary>
    public async Task RemoveAllAsync(string reason)
    {
        state.DesiredReplicas = 0;
        foreach (var replica in state.Replicas.ToList())
        {
            if (launcher.RunsProcesses && replica.ModelRepository is not null)
            {
                await launcher.StopAsync(replica, reason);
            }

            await grains.GetGrain<INodeGrain>(replica.Node).ReleaseAsync(replica.Id);
            Set.Remove(replica.Id);
        }
    }

    /// <summary>
    /// A replica's process ended: unless it was draining (then it simply goes), it is released and forgotten, and the
    /// caller places a new one. Returns the replica that ended unexpectedly, or null.
    /// </summary>
    public async Task<ReplicaView?> EndedAsync(string id)
    {
        if (Set.Find(id) is not { } replica)
        {
            return null;
        }

        await grains.GetGrain<INodeGrain>(replica.Node).ReleaseAsync(replica.Id);
        Set.Remove(replica.Id);
        await persistAsync();
        return replica.Phase == ReplicaPhase.Draining ? null : replica;
    }

    /// <summary>
    /// Moves every replica on <paramref name="node"/> to another online node of the pool: placed anew first, recorded,
    /// and only then released, so the service never has fewer replicas than before. Stops when the pool has no room (or
    /// the node still admits replicas). Finally releases the replica allocations of this service on the node that no
    /// replica claims (a crash between the record and the release). Returns the moves made.
    /// </summary>
    public async Task<ImmutableArray<string>> MoveOffAsync(InferenceServiceSpec spec, string node, Action<int> noRoom)
    {
        var scheduler = grains.GetGrain<IPoolSchedulerGrain>(spec.Pool);
        var source = grains.GetGrain<INodeGrain>(node);
        var moves = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < state.Replicas.Count; i++)
        {
            var old = state.Replicas[i];
            if (!string.Equals(old.Node, node, StringComparison.Ordinal))
            {
                continue;
            }

            var id = new ReplicaId(service, state.NextReplica).ToString();
            var target = await scheduler.PlaceReplicaAsync(id, spec.ReplicaResources);
            if (target is null)
            {
                noRoom(1);
                break;
            }

            if (string.Equals(target, node, StringComparison.Ordinal))
            {
                await source.ReleaseAsync(id); // the node still admits replicas (it is not draining): nothing to move off
                break;
            }

            state.NextReplica++;
            state.Replicas[i] = new ReplicaView(id, target, now(), ModelRepository: old.ModelRepository);
            state.Version++;
            await persistAsync();
            if (launcher.RunsProcesses && old.ModelRepository is not null)
            {
                await launcher.StartAsync(spec, state.Replicas[i]);
                await launcher.StopAsync(old, $"moved off node {node}");
            }

            await source.ReleaseAsync(old.Id);
            moves.Add($"{old.Id} → {id}@{target}");
        }

        var current = state.Replicas.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var owners = (await source.GetAsync()).Allocations
            .Where(a => a.Kind == AllocationKind.InferenceReplica && ReplicaId.IsOf(a.OwnerId, service)).Select(a => a.OwnerId);
        foreach (var (_, stale) in OrphanReservations.Find(node, owners, current.Contains))
        {
            await source.ReleaseAsync(stale);
            moves.Add($"{stale} (stale) released");
        }

        return moves.ToImmutable();
    }
}
