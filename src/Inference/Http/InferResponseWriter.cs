using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>
/// Writes a KServe v2 infer response: all JSON, or (Triton's binary tensor data extension) a JSON header whose binary
/// outputs carry <c>parameters.binary_data_size</c>, followed by their raw bytes in output order, with the header's
/// length in <c>Inference-Header-Content-Length</c>. JSON cannot carry NaN or ±Infinity: such an output requested as
/// JSON is refused with a 500 that names it, before anything is written.
/// </summary>
public static class InferResponseWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpResponse response, string model, long version, string? id, IReadOnlyList<(TensorBuffer Tensor, bool Binary)> outputs, CancellationToken cancellationToken)
    {
        foreach (var (tensor, binary) in outputs)
        {
            if (!binary)
            {
                CheckJsonRepresentable(tensor);
            }
        }

        response.StatusCode = 200;
        if (!outputs.Any(o => o.Binary))
        {
            response.ContentType = "application/json";
            await using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
            {
                Write(writer, model, version, id, outputs);
            }

            await response.BodyWriter.FlushAsync(cancellationToken);
            return;
        }

        var header = new ArrayBufferWriter<byte>(512);
        await using (var writer = new Utf8JsonWriter(header, WriterOptions))
        {
            Write(writer, model, version, id, outputs);
        }

        response.ContentType = "application/octet-stream";
        response.Headers[InferRequestReader.HeaderLengthHeader] = header.WrittenCount.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = header.WrittenCount + outputs.Where(o => o.Binary).Sum(o => (long)o.Tensor.ByteLength);
        response.BodyWriter.Write(header.WrittenSpan);
        foreach (var (tensor, binary) in outputs)
        {
            if (binary)
            {
                response.BodyWriter.Write(tensor.Bytes);
            }
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Writes the JSON object; binary outputs get <c>binary_data_size</c> instead of <c>data</c>.</summary>
    public static void Write(Utf8JsonWriter writer, string model, long version, string? id, IEnumerable<(TensorBuffer Tensor, bool Binary)> outputs)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name", model);
        writer.WriteString("model_version", version.ToString(CultureInfo.InvariantCulture));
        if (id is not null)
        {
            writer.WriteString("id", id);
        }

        writer.WriteStartArray("outputs");
        foreach (var (output, binary) in outputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", output.Name);
            writer.WriteString("datatype", output.DataType.ToKServe());
            writer.WriteStartArray("shape");
            foreach (var d in output.Shape)
            {
                writer.WriteNumberValue(d);
            }

            writer.WriteEndArray();
            if (binary)
            {
                writer.WriteStartObject("parameters");
                writer.WriteNumber("binary_data_size", output.ByteLength);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartArray("data");
                WriteData(writer, output);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Throws a 500 naming the output when JSON cannot represent it (NaN/±Infinity, BYTES that are not UTF-8).</summary>
    public static void CheckJsonRepresentable(TensorBuffer tensor)
    {
        var bad = tensor.DataType switch
        {
            TensorDataType.Fp32 => IndexOfNonFinite(tensor.As<float>()),
            TensorDataType.Fp16 => IndexOfNonFinite(tensor.As<Half>()),
            _ => -1,
        };
        if (bad >= 0)
        {
            var value = tensor.DataType == TensorDataType.Fp32 ? tensor.As<float>()[bad] : (float)tensor.As<Half>()[bad];
            throw new InferenceRequestException(500, $"output '{tensor.Name}' holds {value.ToString(CultureInfo.InvariantCulture)} at element {bad}, which JSON cannot carry; ask for the output as binary tensor data (parameters.binary_data: true) to receive the raw values");
        }

        if (tensor.DataType == TensorDataType.Bytes)
        {
            var elements = new List<Range>();
            if (BytesElements.TrySplit(tensor.Bytes, tensor.ElementCount, elements, out _))
            {
                for (var e = 0; e < elements.Count; e++)
                {
                    if (!Utf8.IsValid(tensor.Bytes[elements[e]]))
                    {
                        throw new InferenceRequestException(500, $"output '{tensor.Name}' element {e} is not UTF-8 text, which a JSON string cannot carry; ask for the output as binary tensor data (parameters.binary_data: true)");
                    }
                }
            }
        }
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOfNonFinite(ReadOnlySpan<Half> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!Half.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static void WriteData(Utf8JsonWriter writer, TensorBuffer tensor)
    {
        switch (tensor.DataType)
        {
            case TensorDataType.Fp32:
                foreach (var v in tensor.As<float>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Fp16:
                foreach (var v in tensor.As<Half>())
                {
                    writer.WriteNumberValue((float)v);
                }

                break;
            case TensorDataType.Int64:
                foreach (var v in tensor.As<long>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int32:
                foreach (var v in tensor.As<int>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt8:
                foreach (var v in tensor.Bytes)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Bool:
                foreach (var v in tensor.Bytes)
                {
                    writer.WriteBooleanValue(v != 0);
                }

                break;
            case TensorDataType.Bytes:
                var elements = new List<Range>();
                BytesElements.TrySplit(tensor.Bytes, tensor.ElementCount, elements, out _);
                foreach (var range in elements)
                {
                    writer.WriteStringValue(tensor.Bytes[range]);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(tensor));
        }
    }
}
