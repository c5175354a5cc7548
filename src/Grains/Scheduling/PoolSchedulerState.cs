namespace WPAI.Grains.Scheduling;

/// <summary>
/// Persisted state of a pool scheduler: the pending queue (written before an enqueue is acknowledged), quotas, the
/// departments' recent utilizations and the names of the pool's nodes. Node capacity and the running ledger are
/// not stored here: the node grains are their source of truth and the scheduler rebuilds them on activation.
/// </summary>
[GenerateSerializer, Alias("wpai.state.pool-scheduler")]
public sealed class PoolSchedulerState
{
    [Id(0)]
    public Dictionary<string, QueueEntry> Queue { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public Dictionary<string, int> Quotas { get; set; } = new(StringComparer.Ordinal);

    [Id(2)]
    public Dictionary<string, List<double>> Utilization { get; set; } = new(StringComparer.Ordinal);

    [Id(3)]
    public SortedSet<string> Nodes { get; set; } = new(StringComparer.Ordinal);

    [Id(4)]
    public long Placements { get; set; }

    [Id(5)]
    public long Preemptions { get; set; }

    /// <summary>With <c>KeepReservation</c>: the node reserved for a starving job by the last pass (job id → node; at most one), kept by the next.</summary>
    [Id(6)]
    public Dictionary<string, string> Reservations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Keeps a pass's reserved nodes (job id → node); true when they differ from the kept ones (the state must be written).</summary>
    public bool KeepReservations(IReadOnlyDictionary<string, string> reserved)
    {
        if (reserved.Count == Reservations.Count && reserved.All(r => Reservations.TryGetValue(r.Key, out var node) && node == r.Value))
        {
            return false;
        }

        Reservations = new Dictionary<string, string>(reserved, StringComparer.Ordinal);
        return true;
    }
}
