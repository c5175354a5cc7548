namespace WPAI.Inference.Batching;

/// <summary>The model's request queue is full; the caller should retry later or the service should scale out.</summary>
public sealed class QueueFullException(string model, int capacity)
    : Exception($"model '{model}' has {capacity} requests queued, its limit (dynamicBatching.maxQueueSize); retry later or add replicas")
{
}
