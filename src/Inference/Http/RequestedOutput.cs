using WPAI.Inference.Runtime;

namespace WPAI.Inference.Http;

/// <summary>An output the caller asked for, and whether it goes back as binary tensor data rather than JSON.</summary>
public sealed record RequestedOutput(TensorSpec Spec, bool Binary);
