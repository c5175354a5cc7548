using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Domain.Inference;

/// <summary>
/// A service's replicas and their life cycle, over the persisted list it wraps: placed → starting (its node agent
/// started the model server) → ready (<c>/v2/health/ready</c> answered) → draining (the gateway sends it nothing new)
/// → gone. Each transition is guarded: a report about a replica that is gone, or one that would move it backwards, is
/// ignored (reports arrive late and repeated). Pure: time comes in as arguments.
/// </summary>
public sealed class ReplicaSet(List<ReplicaView> replicas)
{
    public IReadOnlyList<ReplicaView> All => replicas;

    /// <summary>The replicas that count toward the desired number: every one not draining.</summary>
    public int Serving => replicas.Count(r => r.Phase != ReplicaPhase.Draining);

    /// <summary>The replicas that serve requests now.</summary>
    public int Ready => replicas.Count(r => r.Phase == ReplicaPhase.Ready);

    /// <summary>The replicas the gateway may route to, as text (ids and addresses): it changes exactly when the routes do.</summary>
    public string Routes => string.Join(',', replicas.Where(r => r.Routable).Select(r => $"{r.Id}={r.Url};{r.GrpcUrl}").Order(StringComparer.Ordinal));

    public ReplicaView? Find(string id) => replicas.Find(r => string.Equals(r.Id, id, StringComparison.Ordinal));

    public void Add(ReplicaView replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        if (Find(replica.Id) is not null)
        {
            throw new InvalidOperationException($"replica {replica.Id} exists already");
        }

        replicas.Add(replica);
    }

    /// <summary>Its node agent started the model server as <paramref name="pid"/> serving on <paramref name="url"/> (gRPC on <paramref name="grpcUrl"/>). False when nothing changed.</summary>
    public bool Started(string id, int pid, string? url, string? grpcUrl = null)
    {
        if (Find(id) is not { Phase: ReplicaPhase.Placed } replica)
        {
            return false;
        }

        Replace(replica, replica with { Phase = ReplicaPhase.Starting, Pid = pid, Url = url ?? replica.Url, GrpcUrl = grpcUrl ?? replica.GrpcUrl });
        return true;
    }

    /// <summary>
    /// A probe from its node agent: a starting replica that answered ready becomes ready; the load is kept on any live
    /// replica. Returns true when the replica became ready.
    /// </summary>
    public bool Probed(string id, bool ready, ReplicaLoadSample? load)
    {
        if (Find(id) is not { } replica || replica.Phase == ReplicaPhase.Placed)
        {
            return false;
        }

        var becomesReady = ready && replica.Phase == ReplicaPhase.Starting;
        Replace(replica, replica with
        {
            Phase = becomesReady ? ReplicaPhase.Ready : replica.Phase,
            Load = load ?? replica.Load,
            Detail = becomesReady ? null : replica.Detail,
        });
        return becomesReady;
    }

    /// <summary>
    /// Picks <paramref name="count"/> serving replicas to drain — those not ready first (they serve nothing), then the
    /// newest — and marks them draining at <paramref name="now"/>. Returns them.
    /// </summary>
    public ImmutableArray<ReplicaView> BeginDrain(int count, DateTimeOffset now, string reason)
    {
        var picked = replicas.Where(r => r.Phase != ReplicaPhase.Draining)
            .OrderBy(r => r.Phase == ReplicaPhase.Ready ? 1 : 0)
            .ThenByDescending(r => r.StartedAt)
            .ThenByDescending(r => ReplicaId.TryParse(r.Id, out var id) ? id.Ordinal : 0)
            .Take(Math.Max(0, count))
            .ToList();
        foreach (var replica in picked)
        {
            Replace(replica, replica with { Phase = ReplicaPhase.Draining, DrainingSince = now, Detail = reason });
        }

        return [.. picked.Select(r => Find(r.Id)!)];
    }

    /// <summary>Marks one replica draining (a roll-out retires it); false when it is gone or draining already.</summary>
    public bool Drain(string id, DateTimeOffset now, string reason)
    {
        if (Find(id) is not { } replica || replica.Phase == ReplicaPhase.Draining)
        {
            return false;
        }

        Replace(replica, replica with { Phase = ReplicaPhase.Draining, DrainingSince = now, Detail = reason });
        return true;
    }

    /// <summary>
    /// The draining replicas to stop now: those drained for <paramref name="drainTime"/>, and those that never served
    /// (nothing to drain).
    /// </summary>
    public ImmutableArray<ReplicaView> Drained(DateTimeOffset now, TimeSpan drainTime) =>
        [.. replicas.Where(r => r.Phase == ReplicaPhase.Draining && (r.Url is null || r.DrainingSince is { } since && now - since >= drainTime))];

    /// <summary>Forgets a replica (stopped, released, or its process ended); false when it was not there.</summary>
    public bool Remove(string id) => replicas.RemoveAll(r => string.Equals(r.Id, id, StringComparison.Ordinal)) > 0;

    /// <summary>
    /// The service's load from its ready replicas' latest samples no older than <paramref name="maxAge"/>: total QPS,
    /// CPU as a fraction of the replicas' CPU request (mean), the worst p99 latency and the request-weighted error rate.
    /// Null when no ready replica has a fresh sample.
    /// </summary>
    public ServiceMetrics? Measured(DateTimeOffset now, TimeSpan maxAge, int cpuMilliPerReplica)
    {
        var loads = replicas.Where(r => r.Phase == ReplicaPhase.Ready && r.Load is { } l && now - l.At <= maxAge).Select(r => r.Load!).ToList();
        if (loads.Count == 0)
        {
            return null;
        }

        var qps = loads.Sum(l => l.Qps);
        var cpu = cpuMilliPerReplica > 0 ? loads.Average(l => l.CpuMilli) / cpuMilliPerReplica : 0;
        var gpu = loads.Where(l => l.GpuUtilization is not null).Select(l => l.GpuUtilization!.Value).DefaultIfEmpty(0).Average();
        var errors = qps > 0 ? loads.Sum(l => l.ErrorRate * l.Qps) / qps : 0;
        return new ServiceMetrics(now, qps, Math.Max(0, cpu), Math.Max(0, gpu), 0, loads.Max(l => l.P99Ms), Math.Max(0, errors));
    }

    private void Replace(ReplicaView old, ReplicaView updated) => replicas[replicas.IndexOf(old)] = updated;
}
