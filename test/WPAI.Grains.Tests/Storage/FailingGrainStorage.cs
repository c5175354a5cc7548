using Orleans.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// A grain storage wrapper that injects failures: while <paramref name="faults"/> marks a state name, its reads and/or
/// writes throw an <see cref="IOException"/> (a storage blip) and change nothing. The faults outlive a silo restart.
/// </summary>
public sealed class FailingGrainStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Fails(stateName, write: false) ? Blip(stateName, grainId, "read") : inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Fails(stateName, write: true) ? Blip(stateName, grainId, "write") : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Fails(stateName, write: true) ? Blip(stateName, grainId, "clear") : inner.ClearStateAsync(stateName, grainId, grainState);

    private bool Fails(string stateName, bool write) => faults.Fails(stateName, write);

    private Task Blip(string stateName, GrainId grainId, string operation)
    {
        faults.Count();
        return Task.FromException(new IOException($"injected storage failure: {operation} of '{stateName}' for {grainId}"));
    }
}
