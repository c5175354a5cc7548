using System.Text.Json;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>Writes a KServe v2 JSON infer response.</summary>
public static class InferResponseWriter
{
    public static void Write(Utf8JsonWriter writer, string model, long version, string? id, IEnumerable<TensorBuffer> outputs)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name", model);
        writer.WriteString("model_version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (id is not null)
        {
            writer.WriteString("id", id);
        }

        writer.WriteStartArray("outputs");
        foreach (var output in outputs)
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
            writer.WriteStartArray("data");
            WriteData(writer, output);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
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
            default:
                throw new ArgumentOutOfRangeException(nameof(tensor));
        }
    }
}
