using System.Collections.Concurrent;
using Orleans.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// A grain storage wrapper that injects failures: while a state name is marked, its reads and/or writes throw an
/// <see cref="IOException"/> (a storage blip) and change nothing; <see cref="Heal"/> ends every injected failure.
/// </summary>
public sealed class FailingGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, (bool Reads, bool Writes)> _failing = new(StringComparer.Ordinal);
    private int _injected;

    /// <summary>How many calls failed by injection so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    public void FailWrites(string stateName) => _failing[stateName] = (false, true);

    public void FailReads(string stateName) => _failing[stateName] = (true, false);

    public void Heal() => _failing.Clear();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Fails(stateName, write: false) ? Blip(stateName, grainId, "read") : inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Fails(stateName, write: true) ? Blip(stateName, grainId, "write") : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Fails(stateName, write: true) ? Blip(stateName, grainId, "clear") : inner.ClearStateAsync(stateName, grainId, grainState);

    private bool Fails(string stateName, bool write) =>
        _failing.TryGetValue(stateName, out var mode) && (write ? mode.Writes : mode.Reads);

    private Task Blip(string stateName, GrainId grainId, string operation)
    {
        Interlocked.Increment(ref _injected);
        return Task.FromException(new IOException($"injected storage failure: {operation} of '{stateName}' for {grainId}"));
    }
}
