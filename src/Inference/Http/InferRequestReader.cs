using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WPAI.Inference.Models;
using WPAI.Inference.Runtime;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>
/// Reads a KServe v2 infer request, JSON or with Triton's binary tensor data extension (the JSON header of
/// <c>Inference-Header-Content-Length</c> bytes, then each binary input's <c>binary_data_size</c> bytes in the order
/// the inputs appear). Every input is checked against the model, and its declared size against the body, before any
/// tensor buffer is rented; binary data is then read from the body straight into the pooled tensor buffers.
/// </summary>
public static class InferRequestReader
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    /// <summary>Returns the inputs in the model's input order (pooled buffers the caller disposes), the request id and the requested outputs.</summary>
    public static async Task<ParsedInferRequest> ReadAsync(HttpRequest http, ModelVersion model, CancellationToken cancellationToken)
    {
        var contentLength = http.ContentLength;
        var headerLength = ParseHeaderLength(http.Headers[HeaderLengthHeader].ToString(), contentLength);
        byte[]? rented = null;
        try
        {
            JsonDocument doc;
            if (headerLength is null)
            {
                doc = await ParseJsonAsync(http.Body, cancellationToken);
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(Math.Max(headerLength.Value, 1));
                var header = rented.AsMemory(0, headerLength.Value);
                await ReadExactlyAsync(http.Body, header, "the JSON header (Inference-Header-Content-Length)", cancellationToken);
                doc = ParseJson(header);
            }

            using (doc)
            {
                return await ReadAsync(doc.RootElement, http.Body, contentLength, headerLength, model, cancellationToken);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static async Task<ParsedInferRequest> ReadAsync(JsonElement root, Stream body, long? contentLength, int? headerLength, ModelVersion model, CancellationToken cancellationToken)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad("the request body must be a JSON object with an \"inputs\" array");
        }

        if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array)
        {
            throw Bad("the request has no \"inputs\" array: send {\"inputs\":[{\"name\":...,\"shape\":[...],\"datatype\":\"FP32\",\"data\":[...]}]}");
        }

        var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        var declarations = inputsElement.EnumerateArray().Select(e => Declare(e, model)).ToArray();
        var outputs = ParseOutputs(root, model);
        CheckBinarySizes(declarations, contentLength, headerLength);

        var buffers = new TensorBuffer?[model.Session!.Inputs.Count];
        try
        {
            foreach (var d in declarations)
            {
                InferInputChecks.CheckOnce(buffers, d.Index, d.Name);
                buffers[d.Index] = d.BinarySize is { } size
                    ? await ReadBinaryAsync(body, d, size, cancellationToken)
                    : FromJson(d);
            }

            if (contentLength is null && await body.ReadAsync(new byte[1], cancellationToken) > 0)
            {
                throw Bad("the body goes on after the JSON header and the declared binary_data_size bytes; send exactly the declared bytes");
            }

            var rows = InferInputChecks.Rows(model, buffers);
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

    private static Declaration Declare(JsonElement input, ModelVersion model)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw Bad("each entry of \"inputs\" must be an object with name, shape, datatype and data");
        }

        var name = input.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Bad("an input has no \"name\" string");
        var typeName = input.TryGetProperty("datatype", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : throw Bad($"input '{name}' has no \"datatype\" string (one of {TensorDataTypes.Supported})");
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

        var (index, spec) = InferInputChecks.Check(model, name, typeName, shape);
        long? binarySize = null;
        if (input.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("binary_data_size", out var sizeElement))
        {
            if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out var size) || size < 0)
            {
                throw Bad($"input '{name}' has parameters.binary_data_size {sizeElement.GetRawText()}, not a non-negative integer");
            }

            binarySize = size;
            if (input.TryGetProperty("data", out _))
            {
                throw Bad($"input '{name}' has both \"data\" and parameters.binary_data_size; send the tensor one way");
            }

            if (spec.DataType != TensorDataType.Bytes)
            {
                var needed = ShapeMath.ElementCount(shape) * spec.DataType.ElementSize();
                if (needed != size)
                {
                    throw Bad($"input '{name}' declares binary_data_size {size} but shape {ShapeMath.Format(shape)} of {spec.DataType.ToKServe()} needs {needed} bytes");
                }
            }
            else if (size < 4 * ShapeMath.ElementCount(shape) || size > Array.MaxLength)
            {
                throw Bad($"input '{name}' declares binary_data_size {size}, which cannot hold {ShapeMath.ElementCount(shape)} BYTES elements (4-byte length each, then the bytes)");
            }
        }
        else if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"input '{name}' has no \"data\" array (row-major, {ShapeMath.ElementCount(shape)} elements) and no parameters.binary_data_size");
        }

        return new Declaration(index, spec, name, shape, binarySize, input);
    }

    private static void CheckBinarySizes(Declaration[] declarations, long? contentLength, int? headerLength)
    {
        var binary = declarations.Where(d => d.BinarySize is not null).ToArray();
        var total = binary.Sum(d => d.BinarySize!.Value);
        if (headerLength is null)
        {
            if (binary.Length > 0)
            {
                throw Bad($"input '{binary[0].Name}' has parameters.binary_data_size but the request has no {HeaderLengthHeader} header; send the JSON header's length in it");
            }

            return;
        }

        if (contentLength is not null && contentLength.Value - headerLength.Value != total)
        {
            throw Bad($"the body has {contentLength.Value - headerLength.Value} bytes after the {headerLength}-byte JSON header but the inputs declare {total} bytes of binary_data_size; send exactly the declared bytes, in input order");
        }
    }

    private static IReadOnlyList<RequestedOutput> ParseOutputs(JsonElement root, ModelVersion model)
    {
        var binaryDefault = root.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
            && ReadBool(p, "binary_data_output", "parameters.binary_data_output");
        if (!root.TryGetProperty("outputs", out var outputs))
        {
            return model.Session!.Outputs.Select(s => new RequestedOutput(s, binaryDefault)).ToArray();
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw Bad("\"outputs\" must be an array of {\"name\": ...} objects");
        }

        var selected = new List<RequestedOutput>();
        foreach (var o in outputs.EnumerateArray())
        {
            var outName = o.ValueKind == JsonValueKind.Object && o.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Bad("each requested output needs a \"name\" string");
            var spec = InferInputChecks.Output(model, outName);
            var binary = binaryDefault;
            if (o.TryGetProperty("parameters", out var op) && op.ValueKind == JsonValueKind.Object)
            {
                if (op.TryGetProperty("classification", out _))
                {
                    throw Bad($"output '{outName}' asks for classification, which this server does not offer; ask for the raw output");
                }

                if (op.TryGetProperty("binary_data", out _))
                {
                    binary = ReadBool(op, "binary_data", $"output '{outName}' parameters.binary_data");
                }
            }

            selected.Add(new RequestedOutput(spec, binary));
        }

        return selected;
    }

    private static bool ReadBool(JsonElement parameters, string name, string where)
    {
        if (!parameters.TryGetProperty(name, out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad($"{where} is {value.GetRawText()}, not true or false"),
        };
    }

    private static async Task<TensorBuffer> ReadBinaryAsync(Stream body, Declaration d, long size, CancellationToken cancellationToken)
    {
        var tensor = new TensorBuffer(d.Name, d.Spec.DataType, d.Shape, (int)size);
        try
        {
            await ReadExactlyAsync(body, tensor.Array.AsMemory(0, (int)size), $"input '{d.Name}' ({size} bytes of binary data)", cancellationToken);
            if (d.Spec.DataType == TensorDataType.Bytes && !BytesElements.TrySplit(tensor.Bytes, tensor.ElementCount, [], out var reason))
            {
                throw Bad($"input '{d.Name}' is not valid BYTES data: {reason}; each element is a 4-byte little-endian length then its bytes");
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static TensorBuffer FromJson(Declaration d)
    {
        var data = d.Element.GetProperty("data");
        var count = ShapeMath.ElementCount(d.Shape);
        var leaves = CountLeaves(data);
        if (leaves != count)
        {
            throw Bad($"input '{d.Name}' has {leaves} data elements but shape {ShapeMath.Format(d.Shape)} needs {count}");
        }

        if (d.Spec.DataType == TensorDataType.Bytes)
        {
            return BytesFromJson(d, data);
        }

        var tensor = new TensorBuffer(d.Name, d.Spec.DataType, d.Shape, InferInputChecks.FixedByteLength(d.Name, d.Spec.DataType, d.Shape));
        try
        {
            var written = 0;
            Fill(tensor, data, ref written);
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static TensorBuffer BytesFromJson(Declaration d, JsonElement data)
    {
        var strings = new List<string>();
        Strings(d.Name, data, strings);
        var size = strings.Sum(s => 4L + Encoding.UTF8.GetByteCount(s));
        var tensor = new TensorBuffer(d.Name, TensorDataType.Bytes, d.Shape, checked((int)size));
        var offset = 0;
        foreach (var s in strings)
        {
            offset = BytesElements.Write(tensor.Bytes, offset, Encoding.UTF8.GetBytes(s));
        }

        return tensor;
    }

    private static void Strings(string name, JsonElement array, List<string> into)
    {
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                Strings(name, e, into);
            }
            else if (e.ValueKind == JsonValueKind.String)
            {
                into.Add(e.GetString()!);
            }
            else
            {
                throw Bad($"input '{name}' data element {into.Count} is {Truncate(e.GetRawText())}, not a string (BYTES in JSON are strings; send other bytes as binary data)");
            }
        }
    }

    private static long CountLeaves(JsonElement array)
    {
        long count = 0;
        foreach (var e in array.EnumerateArray())
        {
            count += e.ValueKind == JsonValueKind.Array ? CountLeaves(e) : 1;
        }

        return count;
    }

    private static void Fill(TensorBuffer tensor, JsonElement array, ref int written)
    {
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                Fill(tensor, e, ref written);
                continue;
            }

            var i = written;
            var number = e.ValueKind == JsonValueKind.Number;
            var ok = tensor.DataType switch
            {
                TensorDataType.Fp32 => number && e.TryGetSingle(out var f) && Set(f, tensor.As<float>(), i),
                TensorDataType.Fp16 => number && e.TryGetSingle(out var h) && Set((Half)h, tensor.As<Half>(), i),
                TensorDataType.Int64 => number && e.TryGetInt64(out var l) && Set(l, tensor.As<long>(), i),
                TensorDataType.Int32 => number && e.TryGetInt32(out var n) && Set(n, tensor.As<int>(), i),
                TensorDataType.UInt8 => number && e.TryGetByte(out var b) && Set(b, tensor.Bytes, i),
                TensorDataType.Bool => e.ValueKind is JsonValueKind.True or JsonValueKind.False && Set((byte)(e.ValueKind == JsonValueKind.True ? 1 : 0), tensor.Bytes, i),
                _ => false,
            };
            if (!ok)
            {
                throw Bad($"input '{tensor.Name}' data element {written} is {Truncate(e.GetRawText())}, not a valid {tensor.DataType.ToKServe()} value");
            }

            written++;
        }
    }

    private static bool Set<T>(T value, Span<T> span, int index)
    {
        span[index] = value;
        return true;
    }

    private static int? ParseHeaderLength(string value, long? contentLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length < 2)
        {
            throw Bad($"{HeaderLengthHeader} is '{Truncate(value)}', not the byte length of the JSON header");
        }

        if (contentLength is not null && length > contentLength)
        {
            throw Bad($"{HeaderLengthHeader} is {length} but the whole body is {contentLength} bytes; it gives the length of the JSON header that starts the body");
        }

        return length;
    }

    private static async Task ReadExactlyAsync(Stream body, Memory<byte> into, string what, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < into.Length)
        {
            var n = await body.ReadAsync(into[read..], cancellationToken);
            if (n == 0)
            {
                throw Bad($"the body ended {into.Length - read} bytes short of {what}; send the bytes the headers and binary_data_size declare");
            }

            read += n;
        }
    }

    private static async Task<JsonDocument> ParseJsonAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(body, new JsonDocumentOptions { MaxDepth = 64 }, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw Bad(JsonError(ex) + $"; binary tensor data needs the {HeaderLengthHeader} header");
        }
    }

    private static JsonDocument ParseJson(ReadOnlyMemory<byte> header)
    {
        try
        {
            return JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw Bad($"the JSON header ({HeaderLengthHeader}: {header.Length}) " + JsonError(ex)[17..]);
        }
    }

    private static string JsonError(JsonException ex) =>
        $"the request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message.Split(" LineNumber", 2)[0]}";

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;

    private static InferenceRequestException Bad(string message) => InferInputChecks.Bad(message);

    private sealed record Declaration(int Index, TensorSpec Spec, string Name, long[] Shape, long? BinarySize, JsonElement Element);
}
