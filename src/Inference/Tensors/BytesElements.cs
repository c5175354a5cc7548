using System.Buffers.Binary;

namespace WPAI.Inference.Tensors;

/// <summary>
/// The serialized form of a BYTES tensor in Triton's binary tensor data extension: each element is a 4-byte
/// little-endian unsigned length followed by that many bytes, elements back to back in row-major order.
/// </summary>
public static class BytesElements
{
    /// <summary>Splits serialized BYTES data into its elements; returns false (with the reason) when it is not exactly <paramref name="count"/> well-formed elements.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> data, long count, List<Range> elements, out string reason)
    {
        elements.Clear();
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                reason = $"element {elements.Count} starts at byte {offset} but only {data.Length - offset} byte(s) remain for its 4-byte length";
                return false;
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            offset += 4;
            if (length > (uint)(data.Length - offset))
            {
                reason = $"element {elements.Count} declares {length} bytes but only {data.Length - offset} remain";
                return false;
            }

            elements.Add(new Range(offset, offset + (int)length));
            offset += (int)length;
        }

        if (elements.Count != count)
        {
            reason = $"the data holds {elements.Count} element(s) but the shape needs {count}";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Writes one element (length prefix and bytes) at <paramref name="offset"/>; returns the offset after it.</summary>
    public static int Write(Span<byte> destination, int offset, ReadOnlySpan<byte> element)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], (uint)element.Length);
        element.CopyTo(destination[(offset + 4)..]);
        return offset + 4 + element.Length;
    }
}
