using System.Collections.Concurrent;

namespace WPAI.Benchmarks;

/// <summary>Storage operations counted by <see cref="CountingGrainStorage"/>, keyed "write job", "read department", ….</summary>
internal sealed class StorageCounts
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string key) => _counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public Dictionary<string, long> Snapshot() => new(_counts, StringComparer.Ordinal);
}
