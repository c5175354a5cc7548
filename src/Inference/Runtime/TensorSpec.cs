using WPAI.Inference.Tensors;

namespace WPAI.Inference.Runtime;

/// <summary>One model input or output: name, datatype and shape (-1 for a dynamic dimension).</summary>
public sealed record TensorSpec(string Name, TensorDataType DataType, long[] Shape);
