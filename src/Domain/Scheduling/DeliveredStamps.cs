namespace WPAI.Domain.Scheduling;

/// <summary>
/// Which one-way messages a pool scheduler has applied, per sending silo (origin): every sequence number up to
/// <c>contiguous</c>, plus those that arrived ahead of a gap (messages may arrive out of order). A watermark
/// (origin, n) is covered once every message 1…n of that origin has been applied. Counted per activation of the pool.
/// </summary>
public sealed class DeliveredStamps
{
    private readonly Dictionary<string, Origin> _origins = new(StringComparer.Ordinal);

    /// <summary>Records message <paramref name="sequence"/> of <paramref name="origin"/> as applied (a repeat changes nothing).</summary>
    public void Apply(string origin, long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        if (!_origins.TryGetValue(origin, out var o))
        {
            _origins[origin] = o = new Origin();
        }

        if (sequence <= o.Contiguous)
        {
            return;
        }

        o.Ahead.Add(sequence);
        while (o.Ahead.Remove(o.Contiguous + 1))
        {
            o.Contiguous++;
        }
    }

    /// <summary>Whether every message 1…<paramref name="sequence"/> of <paramref name="origin"/> has been applied.</summary>
    public bool Covers(string origin, long sequence) => sequence <= Contiguous(origin);

    /// <summary>The highest n such that messages 1…n of <paramref name="origin"/> have all been applied.</summary>
    public long Contiguous(string origin) => _origins.TryGetValue(origin, out var o) ? o.Contiguous : 0;

    /// <summary>How many messages of <paramref name="origin"/> arrived ahead of a gap.</summary>
    public int Ahead(string origin) => _origins.TryGetValue(origin, out var o) ? o.Ahead.Count : 0;

    private sealed class Origin
    {
        public long Contiguous { get; set; }

        public HashSet<long> Ahead { get; } = [];
    }
}
