using WPAI.Abstractions.Errors;

namespace WPAI.Client;

/// <summary>
/// Client side: a call that failed because the cluster's database is unreachable (a grain could not even load its
/// state) surfaces as <see cref="WpaiStorageUnavailableException"/>, a typed, retryable error, instead of a driver exception.
/// </summary>
internal sealed class StorageFailureCallFilter(string store) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (ex is not WpaiStorageUnavailableException && StorageFailures.IsDatabaseUnavailable(ex))
        {
            throw StorageFailures.ToUnavailable(ex, store);
        }
    }
}
