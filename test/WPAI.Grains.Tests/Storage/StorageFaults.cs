using System.Collections.Concurrent;

namespace WPAI.Grains.Tests.Storage;

/// <summary>Which state names <see cref="FailingGrainStorage"/> fails now; <see cref="Heal"/> ends every injected failure.</summary>
public sealed class StorageFaults
{
    private readonly ConcurrentDictionary<string, (bool Reads, bool Writes)> _failing = new(StringComparer.Ordinal);
    private int _injected;

    /// <summary>How many calls failed by injection so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    public void FailWrites(string stateName) => _failing[stateName] = (false, true);

    public void FailReads(string stateName) => _failing[stateName] = (true, false);

    public void Heal() => _failing.Clear();

    internal bool Fails(string stateName, bool write) =>
        _failing.TryGetValue(stateName, out var mode) && (write ? mode.Writes : mode.Reads);

    internal void Count() => Interlocked.Increment(ref _injected);
}
