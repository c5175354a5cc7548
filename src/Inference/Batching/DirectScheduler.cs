namespace WPAI.Inference.Batching;

/// <summary>
/// Runs each request on its own (no batching), at most <c>instanceCount</c> at a time, with at most
/// <c>maxQueueSize</c> waiting. Admission counts running and waiting requests together and a request leaves that count
/// before its slot is released, so a waiter that was handed the slot but has not yet resumed is not also counted as
/// queued: a newcomer is refused only when <c>instanceCount + maxQueueSize</c> requests really are admitted.
/// </summary>
public sealed class DirectScheduler(string model, int instanceCount, int maxQueueSize, BatchExecutor executor) : IInferenceScheduler
{
    private readonly SemaphoreSlim _slots = new(instanceCount, instanceCount);
    private readonly long _capacity = (long)instanceCount + maxQueueSize;
    private int _admitted;

    /// <summary>Admitted requests beyond the running slots: those waiting for one.</summary>
    public int QueueLength => Math.Max(0, Volatile.Read(ref _admitted) - instanceCount);

    public async Task<Tensors.TensorBuffer[]> EnqueueAsync(InferenceJob job, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            throw new QueueFullException(model, maxQueueSize);
        }

        var holdsSlot = false;
        try
        {
            await _slots.WaitAsync(cancellationToken);
            holdsSlot = true;
            executor.Execute([job]);
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
            if (holdsSlot)
            {
                _slots.Release();
            }
        }

        return await job.Completion.Task;
    }

    public ValueTask DisposeAsync()
    {
        _slots.Dispose();
        return ValueTask.CompletedTask;
    }
}
