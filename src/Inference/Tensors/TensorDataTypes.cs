using Microsoft.ML.OnnxRuntime.Tensors;

namespace WPAI.Inference.Tensors;

/// <summary>Conversions between KServe datatype names, <see cref="TensorDataType"/> and ONNX Runtime element types.</summary>
public static class TensorDataTypes
{
    public const string Supported = "FP32, FP16, INT64, INT32, UINT8, BOOL, BYTES";

    public static bool TryParse(string? name, out TensorDataType type)
    {
        switch (name)
        {
            case "FP32": type = TensorDataType.Fp32; return true;
            case "FP16": type = TensorDataType.Fp16; return true;
            case "INT64": type = TensorDataType.Int64; return true;
            case "INT32": type = TensorDataType.Int32; return true;
            case "UINT8": type = TensorDataType.UInt8; return true;
            case "BOOL": type = TensorDataType.Bool; return true;
            case "BYTES": type = TensorDataType.Bytes; return true;
            default: type = default; return false;
        }
    }

    public static string ToKServe(this TensorDataType type) => type switch
    {
        TensorDataType.Fp32 => "FP32",
        TensorDataType.Fp16 => "FP16",
        TensorDataType.Int64 => "INT64",
        TensorDataType.Int32 => "INT32",
        TensorDataType.UInt8 => "UINT8",
        TensorDataType.Bool => "BOOL",
        TensorDataType.Bytes => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Bytes per element; 0 for <see cref="TensorDataType.Bytes"/>, whose elements vary in length.</summary>
    public static int ElementSize(this TensorDataType type) => type switch
    {
        TensorDataType.Fp32 => 4,
        TensorDataType.Fp16 => 2,
        TensorDataType.Int64 => 8,
        TensorDataType.Int32 => 4,
        TensorDataType.UInt8 => 1,
        TensorDataType.Bool => 1,
        TensorDataType.Bytes => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryFromOnnx(TensorElementType element, out TensorDataType type)
    {
        switch (element)
        {
            case TensorElementType.Float: type = TensorDataType.Fp32; return true;
            case TensorElementType.Float16: type = TensorDataType.Fp16; return true;
            case TensorElementType.Int64: type = TensorDataType.Int64; return true;
            case TensorElementType.Int32: type = TensorDataType.Int32; return true;
            case TensorElementType.UInt8: type = TensorDataType.UInt8; return true;
            case TensorElementType.Bool: type = TensorDataType.Bool; return true;
            case TensorElementType.String: type = TensorDataType.Bytes; return true;
            default: type = default; return false;
        }
    }

    public static TensorElementType ToOnnx(this TensorDataType type) => type switch
    {
        TensorDataType.Fp32 => TensorElementType.Float,
        TensorDataType.Fp16 => TensorElementType.Float16,
        TensorDataType.Int64 => TensorElementType.Int64,
        TensorDataType.Int32 => TensorElementType.Int32,
        TensorDataType.UInt8 => TensorElementType.UInt8,
        TensorDataType.Bool => TensorElementType.Bool,
        TensorDataType.Bytes => TensorElementType.String,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
