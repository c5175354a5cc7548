using System.Text.Json;
using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>
/// Reads calibration samples from a folder: <c>*.npy</c> float32 arrays (for a model with one input) and/or
/// <c>*.json</c> KServe v2 infer requests (FP32 inputs, by name).
/// </summary>
public static class CalibrationSet
{
    public static IReadOnlyList<CalibrationSample> Load(string folder, ModelProto model, int maxSamples)
    {
        if (!Directory.Exists(folder))
        {
            throw new ModelToolException($"calibration folder '{folder}' does not exist: pass --calibration DIR with .npy or .json sample inputs");
        }

        var initializerNames = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input.Where(i => !initializerNames.Contains(i.Name)).ToArray();
        var files = Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).Take(maxSamples).ToArray();
        if (files.Length == 0)
        {
            throw new ModelToolException($"calibration folder '{folder}' holds no .npy or .json files: add representative sample inputs (tens to hundreds)");
        }

        var samples = new List<CalibrationSample>();
        foreach (var file in files)
        {
            var values = new Dictionary<string, (float[] Data, long[] Shape)>(StringComparer.Ordinal);
            if (file.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            {
                if (inputs.Length != 1)
                {
                    throw new ModelToolException($"'{file}': .npy samples serve single-input models, but this model has {inputs.Length} inputs; use .json KServe requests naming each input");
                }

                values[inputs[0].Name] = NpyFile.Read(file);
            }
            else
            {
                ReadJson(file, values);
            }

            foreach (var input in inputs)
            {
                if (!values.TryGetValue(input.Name, out var v))
                {
                    throw new ModelToolException($"'{file}' has no value for model input '{input.Name}'");
                }

                var dims = input.Type.TensorType.Shape.Dim;
                if (dims.Count != v.Shape.Length || dims.Select((d, i) => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue != v.Shape[i]).Any(x => x))
                {
                    throw new ModelToolException($"'{file}': input '{input.Name}' has shape [{string.Join(",", v.Shape)}] but the model expects {ModelInspector.DescribeType(input.Type)}");
                }
            }

            samples.Add(new CalibrationSample(file, values));
        }

        return samples;
    }

    private static void ReadJson(string file, Dictionary<string, (float[] Data, long[] Shape)> values)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var input in doc.RootElement.GetProperty("inputs").EnumerateArray())
            {
                var shape = input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var data = new List<float>();
                Flatten(input.GetProperty("data"), data);
                values[input.GetProperty("name").GetString()!] = (data.ToArray(), shape);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelToolException($"'{file}' is not a KServe v2 infer request with FP32 inputs ({ex.Message}); write {{\"inputs\":[{{\"name\":...,\"shape\":[...],\"datatype\":\"FP32\",\"data\":[...]}}]}}");
        }
    }

    private static void Flatten(JsonElement e, List<float> data)
    {
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind == JsonValueKind.Array)
            {
                Flatten(x, data);
            }
            else
            {
                data.Add(x.GetSingle());
            }
        }
    }
}
