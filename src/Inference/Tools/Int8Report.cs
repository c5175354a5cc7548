namespace WPAI.Inference.Tools;

/// <summary>What the INT8 quantization did.</summary>
public sealed record Int8Report(int BatchNormsFolded, int WeightsQuantized, int AddsQuantized, int RelusFused, int ActivationTensors, int CalibrationSamples);
