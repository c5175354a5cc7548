using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using WPAI.Grains.Storage;

namespace WPAI.Silo.Storage;

/// <summary>
/// Grain storage in this process's memory, for tests, benchmarks and single-process silos: no I/O, no grain hops
/// (unlike Orleans' memory storage, which routes through storage grains). A write keeps a deep copy of the state made
/// by Orleans' copier (<see cref="DeepCopier"/>, the generated copiers of the state types), and a read hands out
/// another copy, so a grain never shares its live object with the store and a change after a write is not stored.
/// Copying instead of serializing: the copier shares what is <c>[Immutable]</c> (WPAI's contract records) and copies
/// only the mutable containers, where serializing wrote and parsed every record of a state on every write (a
/// department's recent outcomes, a job-index page's ids). A type without generated code fails here as it would in
/// a durable store. Same ETag and clear semantics as <see cref="SqliteGrainStorage"/>. Lost when the process stops.
/// </summary>
public sealed class InMemoryGrainStorage(DeepCopier copier, IActivatorProvider activators) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), Entry> _entries = new();

    /// <summary>How many states are stored.</summary>
    public int Count => _entries.Count;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_entries.TryGetValue((stateName, grainId), out var entry))
        {
            grainState.State = Copy((T)entry.State);
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
        object payload = Copy(grainState.State)!;
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

    /// <summary>The state's own copy when it has one (<see cref="IStateCopy{T}"/>), otherwise Orleans' deep copy.</summary>
    private T Copy<T>(T state) => state is IStateCopy<T> own ? own.CopyForStorage() : copier.Copy(state)!;

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
    private sealed class Entry(long version, object state)
    {
        public long Version { get; } = version;

        /// <summary>The stored copy; never handed out, only copied again.</summary>
        public object State { get; } = state;
    }
}
