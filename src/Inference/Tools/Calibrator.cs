using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>Runs an FP32 model on calibration samples and records each observed tensor's min and max.</summary>
public static class Calibrator
{
    public static Dictionary<string, (float Min, float Max)> Collect(ModelProto model, IReadOnlyCollection<string> tensors, IReadOnlyList<CalibrationSample> samples)
    {
        var augmented = model.Clone();
        var existing = augmented.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in tensors.Where(t => !existing.Contains(t)))
        {
            augmented.Graph.Output.Add(OnnxTensors.FloatValueInfo(name));
        }

        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(augmented.ToByteArray(), options);
        var outputNames = tensors.ToArray();
        var ranges = outputNames.ToDictionary(n => n, _ => (Min: float.PositiveInfinity, Max: float.NegativeInfinity), StringComparer.Ordinal);
        using var runOptions = new RunOptions();
        foreach (var sample in samples)
        {
            var names = sample.Inputs.Keys.ToArray();
            var values = names.Select(n => OrtValue.CreateTensorValueFromMemory(sample.Inputs[n].Data, sample.Inputs[n].Shape)).ToArray();
            try
            {
                using var results = session.Run(runOptions, names, values, outputNames);
                var i = 0;
                foreach (var result in results)
                {
                    var (min, max) = ranges[outputNames[i]];
                    foreach (var v in result.GetTensorDataAsSpan<float>())
                    {
                        min = MathF.Min(min, v);
                        max = MathF.Max(max, v);
                    }

                    ranges[outputNames[i++]] = (min, max);
                }
            }
            finally
            {
                foreach (var v in values)
                {
                    v.Dispose();
                }
            }
        }

        return ranges;
    }
}
