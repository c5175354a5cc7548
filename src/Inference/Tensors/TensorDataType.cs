namespace WPAI.Inference.Tensors;

/// <summary>The tensor element types the server accepts, named as in the KServe v2 protocol.</summary>
public enum TensorDataType
{
    Fp32,
    Fp16,
    Int64,
    Int32,
    UInt8,
    Bool,

    /// <summary>Variable-length byte strings; each element travels as a 4-byte little-endian length and its bytes.</summary>
    Bytes,
}
