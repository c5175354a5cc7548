using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace WPAI.Benchmarks;

/// <summary>
/// Storage operations counted by <see cref="CountingGrainStorage"/>, keyed "write job", "read department", …, and the
/// time the writes took (from the call to the acknowledgement, so on SQLite the wait for the group commit included).
/// </summary>
internal sealed class StorageCounts
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _ticks = new(StringComparer.Ordinal);

    public void Add(string key) => _counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public void AddTime(string key, long ticks)
    {
        var total = _ticks.GetOrAdd(key, static _ => new StrongBox<long>());
        Interlocked.Add(ref total.Value, ticks);
    }

    public Dictionary<string, long> Snapshot() => new(_counts, StringComparer.Ordinal);

    /// <summary>Seconds spent in each kind of operation so far (writes only).</summary>
    public Dictionary<string, double> Seconds() =>
        _ticks.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value.Value) / (double)Stopwatch.Frequency, StringComparer.Ordinal);
}
