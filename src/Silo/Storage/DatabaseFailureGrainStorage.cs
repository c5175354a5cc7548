using Orleans.Runtime;
using Orleans.Storage;
using WPAI.Abstractions.Errors;
using WPAI.Client;

namespace WPAI.Silo.Storage;

/// <summary>
/// Wraps Orleans' ADO.NET grain storage: when PostgreSQL cannot be reached, a read or write fails with
/// <see cref="WpaiStorageUnavailableException"/> (serializable, naming the database, saying to retry) instead of the
/// driver's exception, which Orleans cannot send to a client. This covers a grain that cannot even activate (its
/// state read fails), which no grain call filter sees. Everything else passes through unchanged.
/// </summary>
internal sealed class DatabaseFailureGrainStorage(IGrainStorage inner, string store) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(inner.ClearStateAsync(stateName, grainId, grainState));

    public void Participate(ISiloLifecycle observer)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            participant.Participate(observer);
        }
    }

    private async Task GuardAsync(Task operation)
    {
        try
        {
            await operation;
        }
        catch (Exception ex) when (ex is not WpaiStorageUnavailableException && StorageFailures.IsDatabaseUnavailable(ex))
        {
            throw StorageFailures.ToUnavailable(ex, store);
        }
    }
}
