using WPAI.Domain.Common;
using WPAI.Domain.Inference;
using WPAI.Domain.Mixing;

namespace WPAI.Grains.Mixing;

/// <summary>
/// Carries a node that is Unnormal towards its target inside the mixing controller's turn: moves its replicas off
/// (lending) through their services, releases replica reservations no service claims, or kills its training jobs
/// (reclaim, once the grace allows) under the two-tick rule of <see cref="SuspectReservations"/>, then completes the
/// handover when nothing of the other kind is left. While a node is taken back its checkpointable jobs are warned
/// (<see cref="IJobGrain.WarnReclaimAsync"/>) and, unless the reclaim is <c>urgent</c>, not killed before their checkpoint
/// grace has passed. What it decides and counts goes back through <see cref="IHandoverBook"/>.
/// </summary>
internal sealed class HandoverDriver(IGrainFactory grains, string pool, SuspectReservations suspects, IHandoverBook book, TimeProvider clock)
{
    /// <summary>Drives <paramref name="view"/> towards <paramref name="target"/>; returns the node's view after.</summary>
    public async Task<NodeView> DriveAsync(NodeView view, NodeMode target, double rate, string reason, bool killNow, bool urgent = false)
    {
        var name = view.Spec.Name;
        var node = grains.GetGrain<INodeGrain>(name);
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
                view = await node.BeginHandoverAsync(NodeMode.OnlineNormal, MixingReasons.LendAborted);
                book.Record(name, NodeMode.Unnormal, NodeMode.Unnormal, NodeMode.OnlineNormal, rate, MixingReasons.LendAborted, [], moved.ToImmutable());
                moved.Clear();
                (target, reason, aborted) = (NodeMode.OnlineNormal, MixingReasons.LendAborted, true);
            }
        }

        if (target == NodeMode.OnlineNormal)
        {
            var holds = await WarnCheckpointableAsync(view, reason);
            if (killNow)
            {
                await KillTrainingAsync(view, reason, killed, urgent ? [] : holds);
            }
        }

        var done = await node.CompleteHandoverAsync(reason);
        if (done.Mode == target)
        {
            book.Record(name, NodeMode.Unnormal, target, target, rate, reason, killed.ToImmutable(), moved.ToImmutable());
            await book.CountAsync(c => c.Completed(target, aborted, killed.Count));
        }
        else if (killed.Count > 0 || moved.Count > 0)
        {
            book.Record(name, NodeMode.Unnormal, NodeMode.Unnormal, target, rate, MixingReasons.StillDraining(reason, done.Allocations.Select(a => a.OwnerId)), killed.ToImmutable(), moved.ToImmutable());
            await book.CountAsync(c => c.Draining(killed.Count));
        }

        return done;
    }

    /// <summary>
    /// The expected end (start + declared duration) of every training job on the lent or draining nodes among
    /// <paramref name="views"/>, read from the jobs (bounded fan-out); a job that is gone is left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ExpectedEndsAsync(IEnumerable<NodeView> views)
    {
        var runs = views.Where(v => v.Mode is NodeMode.OfflineNormal or NodeMode.Unnormal)
            .SelectMany(v => v.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob))
            .ToList();
        var ends = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var chunk in runs.Chunk(32))
        {
            var answers = await Task.WhenAll(chunk.Select(async a =>
            {
                try
                {
                    return (a.OwnerId, End: (DateTimeOffset?)(a.Since + (await grains.GetGrain<IJobGrain>(a.OwnerId).GetAsync()).Spec.Duration));
                }
                catch (WpaiNotFoundException)
                {
                    return (a.OwnerId, End: null);
                }
            }));
            foreach (var (owner, end) in answers)
            {
                if (end is { } at)
                {
                    ends[owner] = at;
                }
            }
        }

        return ends;
    }

    private async Task MoveReplicasAsync(NodeView view, ImmutableArray<string>.Builder moved)
    {
        var name = view.Spec.Name;
        var replicas = view.Allocations.Where(a => a.Kind == AllocationKind.InferenceReplica).Select(a => a.OwnerId).ToList();
        foreach (var service in replicas.Select(ServiceOf).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            try
            {
                moved.AddRange(await grains.GetGrain<IInferenceServiceGrain>(service).MoveReplicasOffAsync(name));
            }
            catch (WpaiNotFoundException)
            {
                // The service is gone; its replicas' allocations are released below.
            }
        }

        // Replica allocations of no (existing) service hold the node for nothing.
        await ReleaseAsync(OrphanReservations.Find(name, replicas, owner => ServiceOf(owner) is not null));
        var left = (await grains.GetGrain<INodeGrain>(name).GetAsync()).Allocations.Where(a => a.Kind == AllocationKind.InferenceReplica).Select(a => a.OwnerId).ToList();
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in left.Select(ServiceOf).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (!await ServiceExistsAsync(service))
            {
                gone.Add(service);
            }
        }

        await ReleaseAsync(OrphanReservations.Find(name, left, owner => ServiceOf(owner) is not { } s || !gone.Contains(s)));
    }

    private async Task ReleaseAsync(ImmutableArray<(string Node, string Owner)> orphans)
    {
        foreach (var (node, owner) in orphans)
        {
            await grains.GetGrain<INodeGrain>(node).ReleaseAsync(owner);
            book.OrphanReleased(node, owner);
        }
    }

    private async Task<bool> ServiceExistsAsync(string service)
    {
        try
        {
            await grains.GetGrain<IInferenceServiceGrain>(service).GetDemandAsync(TimeSpan.Zero);
            return true;
        }
        catch (WpaiNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Warns the checkpointable jobs on a node being taken back; returns those still within their checkpoint grace.</summary>
    private async Task<HashSet<string>> WarnCheckpointableAsync(NodeView view, string reason)
    {
        var now = clock.GetUtcNow();
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var allocation in view.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob))
        {
            try
            {
                if (await grains.GetGrain<IJobGrain>(allocation.OwnerId).WarnReclaimAsync(view.Spec.Name, reason) is { } notBefore && notBefore > now)
                {
                    held.Add(allocation.OwnerId);
                }
            }
            catch (WpaiNotFoundException)
            {
                // No such job: the kill below releases its reservation under the two-tick rule.
            }
        }

        return held;
    }

    private async Task KillTrainingAsync(NodeView view, string reason, ImmutableArray<string>.Builder killed, HashSet<string> held)
    {
        var name = view.Spec.Name;
        suspects.BeginReview(name);
        foreach (var allocation in view.Allocations.Where(a => a.Kind == AllocationKind.TrainingJob && !held.Contains(a.OwnerId)))
        {
            if (await grains.GetGrain<IJobGrain>(allocation.OwnerId).ReclaimAsync(name, MixingReasons.Kill(pool, reason)))
            {
                killed.Add(allocation.OwnerId);
            }
            else if (suspects.Unconfirmed(allocation.OwnerId))
            {
                await ReleaseAsync([(name, allocation.OwnerId)]);
            }
        }

        suspects.EndReview();
    }

    private static string? ServiceOf(string owner) => ReplicaId.TryParse(owner, out var id) ? id.Service : null;
}
