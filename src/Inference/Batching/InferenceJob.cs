using WPAI.Inference.Tensors;

namespace WPAI.Inference.Batching;

/// <summary>One caller's request waiting to run: its inputs (in model input order), its row count, and where its outputs go.</summary>
public sealed class InferenceJob(TensorBuffer[] inputs, int rows, long enqueuedTimestamp)
{
    public TensorBuffer[] Inputs { get; } = inputs;

    /// <summary>Rows along the batch dimension (1 for a model without batching).</summary>
    public int Rows { get; } = rows;

    public long EnqueuedTimestamp { get; } = enqueuedTimestamp;

    public TaskCompletionSource<TensorBuffer[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
