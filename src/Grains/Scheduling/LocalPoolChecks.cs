using System.Collections.Concurrent;
using WPAI.Domain.Scheduling;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// The pool checks this silo process can answer without a call (<see cref="IPoolSchedulerGrain.CheckAsync"/>): a pool
/// scheduler active on this silo hosts its ledger here while it is active, and a check is answered from the ledger's
/// published <see cref="PoolCheckView"/> only when the pool has applied every one-way message this silo sent it (so the
/// answer is the one the pool would give now); otherwise (a pool active on another silo or not at all, a view dropped by
/// a node's change and not rebuilt yet, a message on its way) the caller asks the pool. One per silo process, owned by
/// its <see cref="PoolOutbox"/>.
/// </summary>
public sealed class LocalPoolChecks
{
    private readonly ConcurrentDictionary<string, Hosted> _pools = new(StringComparer.Ordinal);

    /// <summary>The pool's scheduler activated on this silo: answer its checks from <paramref name="ledger"/>.</summary>
    internal Hosted Host(string pool, PoolLedger ledger)
    {
        var hosted = new Hosted(ledger);
        _pools[pool] = hosted;
        return hosted;
    }

    /// <summary>The pool's scheduler deactivates: its checks are asked of the pool again.</summary>
    internal void Leave(string pool, Hosted hosted) => _pools.TryRemove(new KeyValuePair<string, Hosted>(pool, hosted));

    /// <summary>
    /// The answer the scheduler of <paramref name="pool"/> would give to a check now, when this silo can tell it
    /// (<paramref name="sent"/>: the sequence of the last message this silo sent the pool); null when the pool must be asked.
    /// </summary>
    internal PoolCheck? TryCheck(string pool, Resources request, bool longRunning, long sent) =>
        _pools.TryGetValue(pool, out var hosted) && Volatile.Read(ref hosted.AppliedField) == sent && hosted.Ledger.PublishedCheckView is { } view
            ? view.Check(request, longRunning)
            : null;

    /// <summary>One hosted pool: its ledger (read only through its published check view) and the messages it has applied.</summary>
    internal sealed class Hosted(PoolLedger ledger)
    {
        internal long AppliedField;

        public PoolLedger Ledger { get; } = ledger;

        /// <summary>The pool has applied this silo's messages 1…<paramref name="sequence"/> (called on the pool's turn).</summary>
        public void Applied(long sequence) => Volatile.Write(ref AppliedField, sequence);
    }
}
