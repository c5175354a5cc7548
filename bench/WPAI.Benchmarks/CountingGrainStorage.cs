using System.Collections.Concurrent;
using Orleans.Storage;

namespace WPAI.Benchmarks;

/// <summary>
/// Counts grain state reads and writes (by state name) on their way to the real provider; with <paramref name="timeWrites"/>
/// (<c>--wait-times</c>) also each write's time from the call to its acknowledgement (an async step per write that costs
/// CPU in the measured window, so off by default).
/// </summary>
internal sealed class CountingGrainStorage(IGrainStorage inner, StorageCounts counts, bool timeWrites = false) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        counts.Add("read " + stateName);
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = "write " + stateName;
        counts.Add(key);
        if (!timeWrites)
        {
            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var written = inner.WriteStateAsync(stateName, grainId, grainState);
        if (written.IsCompleted)
        {
            counts.AddTime(key, System.Diagnostics.Stopwatch.GetTimestamp() - started);
            return written;
        }

        return TimedAsync(key, written, started);
    }

    // From the call (serialization included) to the acknowledgement.
    private async Task TimedAsync(string key, Task written, long started)
    {
        try
        {
            await written;
        }
        finally
        {
            counts.AddTime(key, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        counts.Add("clear " + stateName);
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }

    public void Participate(ISiloLifecycle observer)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            participant.Participate(observer);
        }
    }
}
