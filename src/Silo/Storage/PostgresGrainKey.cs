using System.Text;
using Orleans.Runtime;
using Orleans.Storage;

namespace WPAI.Silo.Storage;

/// <summary>
/// Where one grain's state lives in table <c>wpai_grain_state</c>: the same key layout Orleans' ADO.NET grain storage
/// uses (numeric key parts, key extension, Orleans' stable hashes of the key and of the state name), so rows written by
/// that provider (schema versions up to 3) are read and updated in place and no data has to be migrated.
/// </summary>
internal readonly record struct PostgresGrainKey(int IdHash, long N0, long N1, string? Extension, int TypeHash, string StateName)
{
    private static readonly OrleansDefaultHasher Hasher = new();

    public static PostgresGrainKey From(string stateName, GrainId grainId)
    {
        byte[] bytes;
        long n0 = 0, n1 = 0;
        string? extension;
        if (grainId.TryGetGuidKey(out var guid, out extension))
        {
            bytes = guid.ToByteArray();
            n0 = BitConverter.ToInt64(bytes, 0);
            n1 = BitConverter.ToInt64(bytes, 8);
            bytes = Append(bytes, extension);
        }
        else if (grainId.TryGetIntegerKey(out var integer, out extension))
        {
            n1 = integer;
            bytes = Append(BitConverter.GetBytes(integer), extension);
        }
        else
        {
            extension = grainId.Key.ToString();
            bytes = Encoding.UTF8.GetBytes(extension);
        }

        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }

        return new PostgresGrainKey(Hasher.Hash(bytes), n0, n1, extension, Hasher.Hash(Encoding.UTF8.GetBytes(stateName)), stateName);
    }

    public override string ToString() => $"{StateName}/{Extension ?? N1.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private static byte[] Append(byte[] bytes, string? extension) =>
        extension is null ? bytes : [.. bytes, .. Encoding.UTF8.GetBytes(extension)];
}
