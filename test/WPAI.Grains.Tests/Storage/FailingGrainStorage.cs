using Orleans.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// A storage failure injector around a grain storage: reads and writes of the states named in
/// <see cref="StorageFaults"/> throw (as a database outage would) and change nothing; everything else passes through.
/// </summary>
public sealed class FailingGrainStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.Fails(stateName, write: false) ? Fail(stateName, grainId, "read") : inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.Fails(stateName, write: true) ? Fail(stateName, grainId, "write") : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle observer)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            participant.Participate(observer);
        }
    }

    private Task Fail(string stateName, GrainId grainId, string operation)
    {
        faults.Count();
        return Task.FromException(new InvalidOperationException($"injected storage failure: {operation} of '{stateName}' state of {grainId}"));
    }
}
