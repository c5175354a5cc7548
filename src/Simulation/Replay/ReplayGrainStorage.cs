using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Storage;

namespace WPAI.Simulation.Replay;

/// <summary>
/// In-memory grain storage for replays: keeps each grain's state object as written, without copying, so a replay of
/// thousands of jobs does not spend its time serializing queues. State lives as long as the replay's silo. Each state
/// has one slot, updated in place by its writes (a grain's reads and writes of one state run on its own turns, never at
/// once), so a write allocates no new dictionary entry.
/// </summary>
public sealed class ReplayGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), Slot> _store = new();
    private long _version;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_store.TryGetValue((stateName, grainId), out var entry) && entry.Value is not null)
        {
            grainState.State = (T)entry.Value;
            grainState.ETag = entry.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = Interlocked.Increment(ref _version);
        var slot = _store.GetOrAdd((stateName, grainId), static _ => new Slot());
        (slot.Value, slot.Version) = (grainState.State!, version);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _store.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private sealed class Slot
    {
        public object? Value { get; set; }

        public long Version { get; set; }
    }
}
