using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace WPAI.Inference.Tools;

/// <summary>Reads and writes little-endian float32 NumPy <c>.npy</c> files (format 1.0), the calibration sample format.</summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static void Write(string path, ReadOnlySpan<float> data, IReadOnlyList<long> shape)
    {
        var dims = string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + (shape.Count == 1 ? "," : string.Empty);
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        var total = Magic.Length + 4 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var stream = File.Create(path);
        stream.Write(Magic);
        stream.Write([1, 0]);
        var length = (ushort)header.Length;
        stream.Write([(byte)(length & 0xff), (byte)(length >> 8)]);
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(MemoryMarshal.AsBytes(data));
    }

    public static (float[] Data, long[] Shape) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new ModelToolException($"'{path}' is not a NumPy .npy file (no \\x93NUMPY magic); save samples with numpy.save(path, array.astype(numpy.float32))");
        }

        int headerLength, offset;
        if (bytes[6] == 1)
        {
            headerLength = bytes[8] | (bytes[9] << 8);
            offset = 10;
        }
        else
        {
            headerLength = BitConverter.ToInt32(bytes, 8);
            offset = 12;
        }

        var header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        if (!header.Contains("'<f4'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new ModelToolException($"'{path}': header {header.Trim()} is not a C-ordered little-endian float32 array; save it with array.astype(numpy.float32)");
        }

        var shapeText = header[(header.IndexOf('(', StringComparison.Ordinal) + 1)..header.IndexOf(')', StringComparison.Ordinal)];
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var data = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset + headerLength)).ToArray();
        var expected = shape.Aggregate(1L, (a, d) => a * d);
        if (data.Length != expected)
        {
            throw new ModelToolException($"'{path}': shape ({shapeText}) needs {expected} floats but the file holds {data.Length}");
        }

        return (data, shape);
    }
}
