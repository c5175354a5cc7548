using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Common;
using WPAI.Domain.Inference;

namespace WPAI.Grains.Inference;

/// <summary>
/// Carries out a service's replica changes on its persisted state: placing replicas through the pool scheduler's
/// reservation path and releasing them on their nodes (<see cref="ReconcileAsync"/>), and moving them off a node that
/// is lent to training (<see cref="MoveOffAsync"/>). Replica ids are <see cref="ReplicaId"/>s. Used inside the
/// service grain's turn only.
/// </summary>
internal sealed class ServiceReplicas(IGrainFactory grains, string service, InferenceServiceState state, TimeProvider clock, Func<Task> persistAsync)
{
    /// <summary>Places or releases replicas until <paramref name="desired"/> run; returns how many the pool had no room for.</summary>
    public async Task<int> ReconcileAsync(InferenceServiceSpec spec, int desired)
    {
        state.DesiredReplicas = desired;
        var scheduler = grains.GetGrain<IPoolSchedulerGrain>(spec.Pool);
        while (state.Replicas.Count < desired)
        {
            var id = new ReplicaId(service, state.NextReplica).ToString();
            if (await scheduler.PlaceReplicaAsync(id, spec.ReplicaResources) is not { } node)
            {
                return desired - state.Replicas.Count;
            }

            state.NextReplica++;
            state.Replicas.Add(new ReplicaView(id, node, clock.GetUtcNow()));
        }

        while (state.Replicas.Count > desired)
        {
            var replica = state.Replicas[^1];
            await grains.GetGrain<INodeGrain>(replica.Node).ReleaseAsync(replica.Id);
            state.Replicas.RemoveAt(state.Replicas.Count - 1);
        }

        return 0;
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
            state.Replicas[i] = new ReplicaView(id, target, clock.GetUtcNow());
            state.Version++;
            await persistAsync();
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
