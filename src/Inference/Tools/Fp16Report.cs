namespace WPAI.Inference.Tools;

/// <summary>What the FP16 conversion did.</summary>
public sealed record Fp16Report(int BatchNormsFolded, int ValuesClamped);
