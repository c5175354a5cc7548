using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>A validated infer request: inputs in model order, rows along the batch dimension, requested outputs.</summary>
public sealed record ParsedInferRequest(string? Id, TensorBuffer[] Inputs, int Rows, IReadOnlyList<RequestedOutput> Outputs);
