using Microsoft.ML.OnnxRuntime;

namespace WPAI.Inference.Models;

/// <summary>A model's <c>config.json</c>: batching, instances, execution providers and optimization level.</summary>
public sealed record ModelConfig
{
    /// <summary>Largest batch the model runs at once; 0 means the model does not batch (its inputs have no batch dimension).</summary>
    public int MaxBatchSize { get; init; }

    public DynamicBatchingConfig DynamicBatching { get; init; } = new();

    /// <summary>How many batches of this model may run at the same time on its one shared session.</summary>
    public int InstanceCount { get; init; } = 1;

    /// <summary>Execution providers tried in order; CPU is always the last resort.</summary>
    public IReadOnlyList<string> ExecutionProviders { get; init; } = ["cpu"];

    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Threads one run may use (0 = ONNX Runtime's default).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Requests admitted at once (reading, queued or running); more get 503 with Retry-After. 0 = instances × max(1, maxBatchSize) + the queue size.</summary>
    public int MaxInFlightRequests { get; init; }

    /// <summary>The in-flight limit in force.</summary>
    public int EffectiveMaxInFlight => MaxInFlightRequests > 0 ? MaxInFlightRequests : (InstanceCount * Math.Max(1, MaxBatchSize)) + DynamicBatching.MaxQueueSize;

    public static ModelConfig Default { get; } = new();
}
