namespace WPAI.Grains.Scheduling;

/// <summary>
/// The pool scheduler's side of <see cref="PoolOutbox.IsIdle"/>: a pass that leaves nothing to do, with no call between
/// its planning and its end, reports the pool idle; any call that may give the next pass something to do (and every
/// activation or deactivation) reports it busy again. Runs on the grain's turn.
/// </summary>
internal sealed class PoolIdleness
{
    private readonly PoolOutbox _outbox;
    private readonly string _pool;
    private long _calls;
    private bool _reported;

    private PoolIdleness(PoolOutbox outbox, string pool) => (_outbox, _pool) = (outbox, pool);

    /// <summary>On activation: whatever an earlier activation of the pool reported no longer holds.</summary>
    public static PoolIdleness Start(PoolOutbox outbox, string pool)
    {
        outbox.ReportBusy(pool);
        return new PoolIdleness(outbox, pool);
    }

    /// <summary>A call that may give the next pass something to do.</summary>
    public void Changed()
    {
        _calls++;
        if (_reported)
        {
            _reported = false;
            _outbox.ReportBusy(_pool);
        }
    }

    /// <summary>
    /// A call that changed nothing a pass reads (the removal of a job this pool does not hold): a pool reported idle stays
    /// idle, its report now covering the message just applied, so the replay loop need not run a pass to find nothing.
    /// </summary>
    public void Unchanged(DeliveryBarrier delivered)
    {
        if (_reported)
        {
            _outbox.ReportIdle(_pool, delivered.Contiguous(_outbox.Origin));
        }
    }

    /// <summary>The moment a pass has planned; hand the answer to <see cref="PassEnded"/>.</summary>
    public long Planned() => _calls;

    /// <summary>
    /// After a pass planned at <paramref name="planned"/>: reports the pool idle when the pass left nothing to do and no
    /// call arrived since it planned, with the messages of this silo that <paramref name="delivered"/> has applied.
    /// </summary>
    public void PassEnded(long planned, bool nothingLeft, DeliveryBarrier delivered)
    {
        if (nothingLeft && _calls == planned)
        {
            _reported = true;
            _outbox.ReportIdle(_pool, delivered.Contiguous(_outbox.Origin));
        }
    }
}
