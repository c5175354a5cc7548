namespace WPAI.Inference.Batching;

/// <summary>Runs each request on its own (no batching), at most <c>instanceCount</c> at a time, with a bounded wait queue.</summary>
public sealed class DirectScheduler(string model, int instanceCount, int maxQueueSize, BatchExecutor executor) : IInferenceScheduler
{
    private readonly SemaphoreSlim _slots = new(instanceCount, instanceCount);
    private int _queued;

    public int QueueLength => Volatile.Read(ref _queued);

    public async Task<Tensors.TensorBuffer[]> EnqueueAsync(InferenceJob job, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _queued) > maxQueueSize)
        {
            Interlocked.Decrement(ref _queued);
            throw new QueueFullException(model, maxQueueSize);
        }

        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }

        try
        {
            executor.Execute([job]);
        }
        finally
        {
            _slots.Release();
        }

        return await job.Completion.Task;
    }

    public ValueTask DisposeAsync()
    {
        _slots.Dispose();
        return ValueTask.CompletedTask;
    }
}
