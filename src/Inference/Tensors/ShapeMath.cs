namespace WPAI.Inference.Tensors;

/// <summary>Small helpers on tensor shapes.</summary>
public static class ShapeMath
{
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count = checked(count * d);
        }

        return count;
    }

    public static string Format(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";
}
