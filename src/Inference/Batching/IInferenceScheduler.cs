using WPAI.Inference.Tensors;

namespace WPAI.Inference.Batching;

/// <summary>Decides when a model version runs a queued request: alone or batched with others.</summary>
public interface IInferenceScheduler : IAsyncDisposable
{
    /// <summary>Requests waiting to run now.</summary>
    int QueueLength { get; }

    /// <summary>Queues the job; throws <see cref="QueueFullException"/> when the bounded queue is full.</summary>
    Task<TensorBuffer[]> EnqueueAsync(InferenceJob job, CancellationToken cancellationToken);
}
