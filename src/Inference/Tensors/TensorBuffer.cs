using System.Buffers;

namespace WPAI.Inference.Tensors;

/// <summary>A named tensor whose bytes live in a buffer rented from <see cref="ArrayPool{T}"/>; dispose returns it.</summary>
public sealed class TensorBuffer : IDisposable
{
    private byte[]? _buffer;

    /// <summary>A fixed-size tensor: element count × element size bytes.</summary>
    public TensorBuffer(string name, TensorDataType dataType, long[] shape)
        : this(name, dataType, shape, checked((int)(ShapeMath.ElementCount(shape) * dataType.ElementSize())))
    {
    }

    /// <summary>A tensor of <paramref name="byteLength"/> bytes (BYTES tensors: the length-prefixed elements).</summary>
    public TensorBuffer(string name, TensorDataType dataType, long[] shape, int byteLength)
    {
        Name = name;
        DataType = dataType;
        Shape = shape;
        ElementCount = ShapeMath.ElementCount(shape);
        ByteLength = byteLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(ByteLength, 1));
    }

    public string Name { get; }

    public TensorDataType DataType { get; }

    public long[] Shape { get; }

    public long ElementCount { get; }

    public int ByteLength { get; }

    /// <summary>The raw little-endian element bytes.</summary>
    public Span<byte> Bytes => (_buffer ?? throw new ObjectDisposedException(nameof(TensorBuffer))).AsSpan(0, ByteLength);

    /// <summary>The underlying array, valid for <see cref="ByteLength"/> bytes (for pinning).</summary>
    public byte[] Array => _buffer ?? throw new ObjectDisposedException(nameof(TensorBuffer));

    public Span<T> As<T>()
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Bytes);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
