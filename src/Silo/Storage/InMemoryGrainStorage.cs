using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace WPAI.Silo.Storage;

/// <summary>
/// Grain storage in this process's memory, for tests and simulations: no I/O, no grain hops (unlike Orleans'
/// memory storage, which routes through storage grains). State is kept as Orleans-serialized bytes, so what
/// a grain reads back is a copy, never the live object, and a type that could not be persisted durably fails
/// here too. Same ETag and clear semantics as <see cref="SqliteGrainStorage"/>. Lost when the process stops.
/// </summary>
public sealed class InMemoryGrainStorage(Serializer serializer, IActivatorProvider activators) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), Entry> _entries = new();

    /// <summary>How many states are stored.</summary>
    public int Count => _entries.Count;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_entries.TryGetValue((stateName, grainId), out var entry))
        {
            grainState.State = serializer.Deserialize<T>(entry.Payload);
            grainState.ETag = entry.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var payload = serializer.SerializeToArray(grainState.State);
        long version;
        if (grainState.ETag is null)
        {
            if (!_entries.TryAdd(key, new Entry(1, payload)))
            {
                throw Conflict(stateName, grainId, grainState.ETag);
            }

            version = 1;
        }
        else
        {
            if (!_entries.TryGetValue(key, out var current) || !Matches(current, grainState.ETag))
            {
                throw Conflict(stateName, grainId, grainState.ETag);
            }

            version = current.Version + 1;
            if (!_entries.TryUpdate(key, new Entry(version, payload), current))
            {
                throw Conflict(stateName, grainId, grainState.ETag);
            }
        }

        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        if (_entries.TryGetValue(key, out var current))
        {
            if (!Matches(current, grainState.ETag) || !_entries.TryRemove(new KeyValuePair<(string, GrainId), Entry>(key, current)))
            {
                throw Conflict(stateName, grainId, grainState.ETag);
            }
        }
        else if (grainState.ETag is not null)
        {
            throw Conflict(stateName, grainId, grainState.ETag);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = activators.GetActivator<T>().Create();
        return Task.CompletedTask;
    }

    private static bool Matches(Entry entry, string? etag) =>
        etag is not null && long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version == entry.Version;

    private InconsistentStateException Conflict(string stateName, GrainId grainId, string? etag)
    {
        var stored = _entries.TryGetValue((stateName, grainId), out var entry) ? entry.Version.ToString(CultureInfo.InvariantCulture) : "none";
        return new InconsistentStateException(
            $"Grain state '{stateName}' of {grainId} was changed by someone else: the caller expected version {etag ?? "none"}, memory holds version {stored}. Re-read the state and retry.",
            stored,
            etag ?? "none");
    }

    /// <summary>Reference-compared by <see cref="ConcurrentDictionary{TKey, TValue}.TryUpdate"/>: a class, not a record.</summary>
    private sealed class Entry(long version, byte[] payload)
    {
        public long Version { get; } = version;

        public byte[] Payload { get; } = payload;
    }
}
