using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>
/// Runs an FP32 model on calibration samples and picks each observed tensor's quantization range.
/// <see cref="CalibrationMethod.MinMax"/> takes the observed extremes; <see cref="CalibrationMethod.Mse"/> (default) builds a
/// histogram in a second pass and shrinks the range to the clipping point with the least expected squared error for 8 bits.
/// </summary>
public static class Calibrator
{
    private const int Bins = 2048;

    public static Dictionary<string, (float Min, float Max)> Collect(ModelProto model, IReadOnlyCollection<string> tensors, IReadOnlyList<CalibrationSample> samples, CalibrationMethod method = CalibrationMethod.Mse)
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
        Observe(session, outputNames, samples, (name, values) =>
        {
            var (min, max) = ranges[name];
            foreach (var v in values)
            {
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }

            ranges[name] = (min, max);
        });
        if (method == CalibrationMethod.MinMax)
        {
            return ranges;
        }

        var histograms = outputNames.ToDictionary(n => n, _ => new double[Bins], StringComparer.Ordinal);
        Observe(session, outputNames, samples, (name, values) =>
        {
            var (min, max) = ranges[name];
            var width = (max - min) / Bins;
            if (width <= 0)
            {
                return;
            }

            var histogram = histograms[name];
            foreach (var v in values)
            {
                histogram[Math.Clamp((int)((v - min) / width), 0, Bins - 1)]++;
            }
        });
        return outputNames.ToDictionary(n => n, n => BestRange(ranges[n].Min, ranges[n].Max, histograms[n]), StringComparer.Ordinal);
    }

    /// <summary>The range [α·min, α·max] (α in 0.05..1) whose 8-bit quantization has the least expected squared error on the histogram.</summary>
    public static (float Min, float Max) BestRange(float min, float max, double[] histogram)
    {
        var width = (max - min) / histogram.Length;
        if (width <= 0)
        {
            return (min, max);
        }

        var best = (Min: min, Max: max);
        var bestError = double.PositiveInfinity;
        for (var step = 0; step < 96; step++)
        {
            var alpha = 1.0 - (step * 0.01);
            var lo = Math.Min(0, min * alpha);
            var hi = Math.Max(0, max * alpha);
            var scale = (hi - lo) / 255.0;
            var rounding = scale * scale / 12.0;
            var error = 0.0;
            for (var b = 0; b < histogram.Length; b++)
            {
                var count = histogram[b];
                if (count == 0)
                {
                    continue;
                }

                var x = min + ((b + 0.5) * width);
                var e = x < lo ? (lo - x) * (lo - x) : x > hi ? (x - hi) * (x - hi) : rounding;
                error += count * e;
            }

            if (error < bestError)
            {
                bestError = error;
                best = ((float)lo, (float)hi);
            }
        }

        return best;
    }

    private static void Observe(InferenceSession session, string[] outputNames, IReadOnlyList<CalibrationSample> samples, Action<string, ReadOnlySpan<float>> observe)
    {
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
                    observe(outputNames[i++], result.GetTensorDataAsSpan<float>());
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
    }
}
