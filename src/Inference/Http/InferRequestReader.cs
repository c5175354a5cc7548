using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WPAI.Inference.Models;
using WPAI.Inference.Runtime;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>Parses a KServe v2 JSON infer request and checks every input's name, datatype and shape against the model.</summary>
public static class InferRequestReader
{
    /// <summary>Returns the inputs in the model's input order (pooled buffers the caller disposes), the request id and the requested outputs.</summary>
    public static ParsedInferRequest Parse(JsonElement root, ModelVersion model)
    {
        var session = model.Session!;
        var name = model.Model;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad("the request body must be a JSON object with an \"inputs\" array");
        }

        if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array)
        {
            throw Bad("the request has no \"inputs\" array: send {\"inputs\":[{\"name\":...,\"shape\":[...],\"datatype\":\"FP32\",\"data\":[...]}]}");
        }

        string? id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        var buffers = new TensorBuffer?[session.Inputs.Count];
        try
        {
            foreach (var input in inputsElement.EnumerateArray())
            {
                var tensor = ParseInput(input, model, session);
                var index = IndexOf(session.Inputs, tensor.Name);
                if (buffers[index] is not null)
                {
                    tensor.Dispose();
                    throw Bad($"input '{tensor.Name}' appears twice; send each input once");
                }

                buffers[index] = tensor;
            }

            var missing = session.Inputs.Where((spec, i) => buffers[i] is null).Select(s => s.Name).ToArray();
            if (missing.Length > 0)
            {
                throw Bad($"model '{name}' needs input(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}, which the request lacks");
            }

            var rows = 1;
            if (model.Batches)
            {
                rows = (int)buffers[0]!.Shape[0];
                var other = buffers.FirstOrDefault(b => b!.Shape[0] != rows);
                if (other is not null)
                {
                    throw Bad($"inputs disagree on the batch size: '{buffers[0]!.Name}' has {rows} rows, '{other.Name}' has {other.Shape[0]}; send the same first dimension for every input");
                }
            }

            var outputs = ParseOutputs(root, session, name);
            return new ParsedInferRequest(id, buffers!, rows, outputs);
        }
        catch
        {
            foreach (var b in buffers)
            {
                b?.Dispose();
            }

            throw;
        }
    }

    private static IReadOnlyList<TensorSpec> ParseOutputs(JsonElement root, ModelSession session, string model)
    {
        if (!root.TryGetProperty("outputs", out var outputs))
        {
            return session.Outputs;
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw Bad("\"outputs\" must be an array of {\"name\": ...} objects");
        }

        var selected = new List<TensorSpec>();
        foreach (var o in outputs.EnumerateArray())
        {
            var outName = o.ValueKind == JsonValueKind.Object && o.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Bad("each requested output needs a \"name\" string");
            var spec = session.Outputs.FirstOrDefault(s => s.Name == outName)
                ?? throw Bad($"model '{model}' has no output '{outName}'; its outputs are {string.Join(", ", session.Outputs.Select(s => $"'{s.Name}'"))}");
            selected.Add(spec);
        }

        return selected;
    }

    private static TensorBuffer ParseInput(JsonElement input, ModelVersion model, ModelSession session)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw Bad("each entry of \"inputs\" must be an object with name, shape, datatype and data");
        }

        var name = input.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Bad("an input has no \"name\" string");
        var spec = session.Inputs.FirstOrDefault(s => s.Name == name)
            ?? throw Bad($"model '{model.Model}' has no input '{name}'; its inputs are {string.Join(", ", session.Inputs.Select(s => $"'{s.Name}'"))}");
        var typeName = input.TryGetProperty("datatype", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : throw Bad($"input '{name}' has no \"datatype\" string (one of {TensorDataTypes.Supported})");
        if (!TensorDataTypes.TryParse(typeName, out var type))
        {
            throw Bad($"input '{name}' has datatype '{typeName}', which is not one of {TensorDataTypes.Supported}");
        }

        if (type != spec.DataType)
        {
            throw Bad($"input '{name}' has datatype {typeName} but model '{model.Model}' expects {spec.DataType.ToKServe()}; convert the data to {spec.DataType.ToKServe()}");
        }

        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"input '{name}' has no \"shape\" array");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        var k = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
            {
                throw Bad($"input '{name}' shape element {k} is {d.GetRawText()}, not a non-negative integer");
            }

            shape[k++] = dim;
        }

        CheckShape(name, shape, spec, model);
        if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"input '{name}' has no \"data\" array (row-major, {ShapeMath.ElementCount(shape)} elements)");
        }

        var tensor = new TensorBuffer(name, type, shape);
        try
        {
            var written = 0L;
            Fill(tensor, data, ref written);
            if (written != tensor.ElementCount)
            {
                throw Bad($"input '{name}' has {written} data elements but shape {ShapeMath.Format(shape)} needs {tensor.ElementCount}");
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static void CheckShape(string name, long[] shape, TensorSpec spec, ModelVersion model)
    {
        var expected = ShapeMath.Format(spec.Shape);
        if (shape.Length != spec.Shape.Length)
        {
            throw Bad($"input '{name}' has shape {ShapeMath.Format(shape)} (rank {shape.Length}) but model '{model.Model}' expects {expected} (rank {spec.Shape.Length}; -1 = any)");
        }

        for (var i = 0; i < shape.Length; i++)
        {
            if (spec.Shape[i] >= 0 && shape[i] != spec.Shape[i])
            {
                throw Bad($"input '{name}' has shape {ShapeMath.Format(shape)} but model '{model.Model}' expects {expected}: dimension {i} must be {spec.Shape[i]}");
            }
        }

        if (model.Batches && (shape[0] < 1 || shape[0] > model.Config.MaxBatchSize))
        {
            throw Bad($"input '{name}' has batch size {shape[0]} but model '{model.Model}' accepts 1..{model.Config.MaxBatchSize} (maxBatchSize); split the request");
        }
    }

    private static void Fill(TensorBuffer tensor, JsonElement array, ref long written)
    {
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                Fill(tensor, e, ref written);
                continue;
            }

            if (written >= tensor.ElementCount)
            {
                written++;
                continue;
            }

            var i = (int)written;
            var number = e.ValueKind == JsonValueKind.Number;
            bool ok;
            switch (tensor.DataType)
            {
                case TensorDataType.Fp32:
                    ok = number && e.TryGetSingle(out var f) && TrySet(f, tensor.As<float>(), i);
                    break;
                case TensorDataType.Fp16:
                    ok = number && e.TryGetSingle(out var h) && TrySet((Half)h, tensor.As<Half>(), i);
                    break;
                case TensorDataType.Int64:
                    ok = number && e.TryGetInt64(out var l) && TrySet(l, tensor.As<long>(), i);
                    break;
                case TensorDataType.Int32:
                    ok = number && e.TryGetInt32(out var n) && TrySet(n, tensor.As<int>(), i);
                    break;
                case TensorDataType.UInt8:
                    ok = number && e.TryGetByte(out var b) && TrySet(b, tensor.Bytes, i);
                    break;
                case TensorDataType.Bool:
                    ok = e.ValueKind is JsonValueKind.True or JsonValueKind.False && TrySet((byte)(e.ValueKind == JsonValueKind.True ? 1 : 0), tensor.Bytes, i);
                    break;
                default:
                    ok = false;
                    break;
            }

            if (!ok)
            {
                throw Bad($"input '{tensor.Name}' data element {written} is {Truncate(e.GetRawText())}, not a valid {tensor.DataType.ToKServe()} value");
            }

            written++;
        }
    }

    private static bool TrySet<T>(T value, Span<T> span, int index)
    {
        span[index] = value;
        return true;
    }

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;

    private static int IndexOf(IReadOnlyList<TensorSpec> specs, string name)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static InferenceRequestException Bad(string message) => new(StatusCodes.Status400BadRequest, message);
}
