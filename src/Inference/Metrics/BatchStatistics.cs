namespace WPAI.Inference.Metrics;

/// <summary>Executions of one batch size and their cumulative compute input/infer/output nanoseconds.</summary>
public sealed record BatchStatistics(int BatchSize, long Count, long ComputeInputNs, long ComputeInferNs, long ComputeOutputNs);
