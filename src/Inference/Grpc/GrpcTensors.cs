using Google.Protobuf;
using WPAI.Inference.Grpc.Protocol;
using WPAI.Inference.Http;
using WPAI.Inference.Models;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Grpc;

/// <summary>
/// Converts a gRPC <c>ModelInferRequest</c> into checked, pooled input tensors (from <c>raw_input_contents</c>, one
/// entry per input in order, or from the typed <c>contents</c>), and output tensors into <c>raw_output_contents</c>.
/// </summary>
public static class GrpcTensors
{
    /// <summary>Returns the inputs in model order (pooled buffers the caller disposes) and the rows.</summary>
    public static (TensorBuffer[] Inputs, int Rows) ReadInputs(ModelInferRequest request, ModelVersion model)
    {
        var raw = request.RawInputContents.Count > 0;
        if (raw && request.RawInputContents.Count != request.Inputs.Count)
        {
            throw Bad($"raw_input_contents has {request.RawInputContents.Count} entries but inputs has {request.Inputs.Count}; send one raw entry per input, in the order of inputs");
        }

        var buffers = new TensorBuffer?[model.Session!.Inputs.Count];
        try
        {
            for (var i = 0; i < request.Inputs.Count; i++)
            {
                var input = request.Inputs[i];
                var shape = input.Shape.ToArray();
                var (index, spec) = InferInputChecks.Check(model, input.Name, input.Datatype, shape);
                InferInputChecks.CheckOnce(buffers, index, input.Name);
                buffers[index] = raw ? FromRaw(input, spec.DataType, shape, request.RawInputContents[i]) : FromContents(input, spec.DataType, shape);
            }

            var rows = InferInputChecks.Rows(model, buffers);
            return (buffers.Select(b => b!).ToArray(), rows);
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

    /// <summary>The requested outputs (all when none is named).</summary>
    public static IReadOnlyList<Runtime.TensorSpec> RequestedOutputs(ModelInferRequest request, ModelVersion model)
    {
        if (request.Outputs.Count == 0)
        {
            return model.Session!.Outputs;
        }

        return request.Outputs.Select(o => o.Parameters.ContainsKey("classification")
            ? throw Bad($"output '{o.Name}' asks for classification, which this server does not offer; ask for the raw output")
            : InferInputChecks.Output(model, o.Name)).ToArray();
    }

    /// <summary>Builds the response: every output as raw little-endian bytes (BYTES: length-prefixed elements).</summary>
    public static ModelInferResponse Response(ModelVersion model, string id, IEnumerable<TensorBuffer> outputs)
    {
        var response = new ModelInferResponse { ModelName = model.Model, ModelVersion = model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), Id = id };
        foreach (var output in outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.DataType.ToKServe() };
            tensor.Shape.AddRange(output.Shape);
            response.Outputs.Add(tensor);
            response.RawOutputContents.Add(ByteString.CopyFrom(output.Bytes));
        }

        return response;
    }

    private static TensorBuffer FromRaw(ModelInferRequest.Types.InferInputTensor input, TensorDataType type, long[] shape, ByteString bytes)
    {
        if (input.Contents is not null)
        {
            throw Bad($"input '{input.Name}' has both contents and raw_input_contents; send the tensor one way");
        }

        if (type == TensorDataType.Bytes)
        {
            if (!BytesElements.TrySplit(bytes.Span, ShapeMath.ElementCount(shape), [], out var reason))
            {
                throw Bad($"input '{input.Name}' raw BYTES content is not valid: {reason}; each element is a 4-byte little-endian length then its bytes");
            }
        }
        else if (bytes.Length != InferInputChecks.FixedByteLength(input.Name, type, shape))
        {
            throw Bad($"input '{input.Name}' raw content has {bytes.Length} bytes but shape {ShapeMath.Format(shape)} of {type.ToKServe()} needs {ShapeMath.ElementCount(shape) * type.ElementSize()}");
        }

        var tensor = new TensorBuffer(input.Name, type, shape, bytes.Length);
        bytes.Span.CopyTo(tensor.Bytes);
        return tensor;
    }

    private static TensorBuffer FromContents(ModelInferRequest.Types.InferInputTensor input, TensorDataType type, long[] shape)
    {
        var contents = input.Contents ?? throw Bad($"input '{input.Name}' has neither contents nor raw_input_contents");
        var count = ShapeMath.ElementCount(shape);
        if (type == TensorDataType.Bytes)
        {
            Require(input.Name, contents.BytesContents.Count, count, "bytes_contents");
            var size = contents.BytesContents.Sum(b => 4L + b.Length);
            var strings = new TensorBuffer(input.Name, type, shape, checked((int)size));
            var offset = 0;
            foreach (var element in contents.BytesContents)
            {
                offset = BytesElements.Write(strings.Bytes, offset, element.Span);
            }

            return strings;
        }

        var tensor = new TensorBuffer(input.Name, type, shape, InferInputChecks.FixedByteLength(input.Name, type, shape));
        try
        {
            switch (type)
            {
                case TensorDataType.Fp32:
                    Require(input.Name, contents.Fp32Contents.Count, count, "fp32_contents");
                    contents.Fp32Contents.CopyTo(tensor.As<float>());
                    break;
                case TensorDataType.Int32:
                    Require(input.Name, contents.IntContents.Count, count, "int_contents");
                    contents.IntContents.CopyTo(tensor.As<int>());
                    break;
                case TensorDataType.Int64:
                    Require(input.Name, contents.Int64Contents.Count, count, "int64_contents");
                    contents.Int64Contents.CopyTo(tensor.As<long>());
                    break;
                case TensorDataType.UInt8:
                    Require(input.Name, contents.UintContents.Count, count, "uint_contents");
                    for (var i = 0; i < count; i++)
                    {
                        tensor.Bytes[i] = contents.UintContents[i] <= byte.MaxValue ? (byte)contents.UintContents[i] : throw Bad($"input '{input.Name}' uint_contents element {i} is {contents.UintContents[i]}, not a valid UINT8 value");
                    }

                    break;
                case TensorDataType.Bool:
                    Require(input.Name, contents.BoolContents.Count, count, "bool_contents");
                    for (var i = 0; i < count; i++)
                    {
                        tensor.Bytes[i] = contents.BoolContents[i] ? (byte)1 : (byte)0;
                    }

                    break;
                default:
                    throw Bad($"input '{input.Name}' is {type.ToKServe()}, which the protocol carries only as raw_input_contents");
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static void CopyTo<T>(this Google.Protobuf.Collections.RepeatedField<T> field, Span<T> destination)
    {
        for (var i = 0; i < field.Count; i++)
        {
            destination[i] = field[i];
        }
    }

    private static void Require(string name, int actual, long expected, string field)
    {
        if (actual != expected)
        {
            throw Bad($"input '{name}' has {actual} {field} elements but its shape needs {expected}");
        }
    }

    private static InferenceRequestException Bad(string message) => InferInputChecks.Bad(message);
}
