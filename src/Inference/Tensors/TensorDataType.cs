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
}
