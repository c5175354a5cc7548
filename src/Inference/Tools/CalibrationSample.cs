namespace WPAI.Inference.Tools;

/// <summary>One calibration input set: tensor name → (float data, shape).</summary>
public sealed record CalibrationSample(string Source, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> Inputs);
