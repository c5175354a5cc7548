using WPAI.Abstractions.Errors;
using WPAI.Client;

namespace WPAI.Silo.Storage;

/// <summary>
/// Silo side, with PostgreSQL storage: a grain call that fails because the database is unreachable (a state write or
/// read, a reminder) throws <see cref="WpaiStorageUnavailableException"/> naming the database and saying to retry,
/// instead of the driver's exception. Other failures pass unchanged.
/// </summary>
internal sealed class StorageUnavailableCallFilter(string store) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
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
