using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>Reads and builds ONNX <see cref="TensorProto"/> initializers.</summary>
public static class OnnxTensors
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Float16 = (int)TensorProto.Types.DataType.Float16;
    public const int Int8 = (int)TensorProto.Types.DataType.Int8;
    public const int UInt8 = (int)TensorProto.Types.DataType.Uint8;
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;

    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != Float)
        {
            throw new ModelToolException($"initializer '{tensor.Name}' is {(TensorProto.Types.DataType)tensor.DataType}, expected FLOAT");
        }

        if (tensor.RawData.Length > 0)
        {
            return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }

        return tensor.FloatData.ToArray();
    }

    public static TensorProto Create<T>(string name, IEnumerable<long> dims, int dataType, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var tensor = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    public static TensorProto Scalar(string name, float value) => Create<float>(name, [], Float, [value]);

    public static TensorProto ScalarInt8(string name, sbyte value) => Create<sbyte>(name, [], Int8, [value]);

    public static long[] Dims(TensorProto tensor) => tensor.Dims.ToArray();

    public static ValueInfoProto FloatValueInfo(string name, int elemType = Float) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType } },
    };
}
