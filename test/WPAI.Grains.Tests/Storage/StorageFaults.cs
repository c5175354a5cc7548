using System.Collections.Concurrent;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// Which grain states' reads and writes <see cref="FailingGrainStorage"/> fails now (shared across silo restarts);
/// <see cref="Clear"/> (or <see cref="Heal"/>) ends every injected failure.
/// </summary>
public sealed class StorageFaults
{
    private readonly ConcurrentDictionary<string, (bool Reads, bool Writes)> _failing = new(StringComparer.Ordinal);
    private int _injected;

    /// <summary>How many calls failed by injection so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>From now on, every write of the state <paramref name="stateName"/> ("job", "department", "scheduler", "node") fails.</summary>
    public void FailWrites(string stateName) => _failing[stateName] = (false, true);

    /// <summary>From now on, every read of the state <paramref name="stateName"/> fails (a grain cannot activate).</summary>
    public void FailReads(string stateName) => _failing[stateName] = (true, false);

    public void Clear() => _failing.Clear();

    public void Heal() => Clear();

    /// <summary>Whether writes of <paramref name="stateName"/> fail.</summary>
    public bool Fails(string stateName) => Fails(stateName, write: true);

    public bool Fails(string stateName, bool write) =>
        _failing.TryGetValue(stateName, out var mode) && (write ? mode.Writes : mode.Reads);

    internal void Count() => Interlocked.Increment(ref _injected);
}
