using WPAI.Domain.Scheduling;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// The pool scheduler's side of <see cref="PoolOutbox"/>: records the stamps of the one-way messages it has applied
/// (<see cref="DeliveredStamps"/>) and lets callers wait, bounded, until a watermark is covered. Runs on the grain's turn.
/// </summary>
internal sealed class DeliveryBarrier(string pool)
{
    private readonly DeliveredStamps _applied = new();
    private readonly List<(PoolStamp Watermark, TaskCompletionSource Covered)> _waiters = [];

    /// <summary>Records a message as applied (call once its effect is in the ledger or the queue); null = unstamped.</summary>
    public void Applied(PoolStamp? stamp)
    {
        if (stamp is null)
        {
            return;
        }

        _applied.Apply(stamp.Origin, stamp.Sequence);
        foreach (var (watermark, covered) in _waiters)
        {
            if (Covers(watermark))
            {
                covered.TrySetResult();
            }
        }
    }

    /// <summary>The highest n such that messages 1…n of <paramref name="origin"/> have all been applied.</summary>
    public long Contiguous(string origin) => _applied.Contiguous(origin);

    /// <summary>Whether every message up to <paramref name="watermark"/> has been applied.</summary>
    public bool Covers(PoolStamp watermark) => _applied.Covers(watermark.Origin, watermark.Sequence);

    /// <summary>Waits until <paramref name="watermark"/> is covered; a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task AwaitAsync(PoolStamp watermark, TimeSpan timeout)
    {
        if (Covers(watermark))
        {
            return;
        }

        var covered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((watermark, covered));
        try
        {
            await covered.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"Pool {pool} was owed the one-way messages 1…{watermark.Sequence} of silo {watermark.Origin} but after {timeout} has applied " +
                $"1…{_applied.Contiguous(watermark.Origin)} (and {_applied.Ahead(watermark.Origin)} beyond a gap): a message was lost with a silo or " +
                "reached an earlier activation of this pool. Run the pass without a watermark (RunPassAsync).");
        }
        finally
        {
            _waiters.RemoveAll(w => w.Covered == covered);
        }
    }
}
