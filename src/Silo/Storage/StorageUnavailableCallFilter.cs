using WPAI.Abstractions.Errors;
using WPAI.Client;

namespace WPAI.Silo.Storage;

/// <summary>
/// Silo side, every storage kind: a grain call that fails on a state write or read is never answered again from state
/// that failed to persist. The grain is deactivated, so that the next call reloads what storage actually holds and a
/// retried request is carried out again (a node that released an allocation in memory but could not write it keeps
/// it until the retried release is written). With PostgreSQL storage (<see cref="WpaiStorageOptions"/>), a failure
/// because the database is unreachable reaches the caller as <see cref="WpaiStorageUnavailableException"/> naming the database and
/// saying to retry, instead of the driver's exception. Other failures pass unchanged.
/// </summary>
internal sealed class StorageUnavailableCallFilter(IServiceProvider services) : IIncomingGrainCallFilter
{
    /// <summary>How Orleans' state bridge begins the message of a failed storage operation.</summary>
    private const string StorageProviderError = "Error from storage provider";

    /// <summary>The PostgreSQL database as errors name it; null for other storage kinds.</summary>
    private readonly string? _store = services.GetService(typeof(WpaiStorageOptions)) is WpaiStorageOptions { Kind: StorageKind.Postgres, PostgresConnection: { } connection }
        ? StorageFailures.Describe(connection)
        : null;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "a storage operation failed: reload the persisted state"));
            if (_store is not null && StorageFailures.IsDatabaseUnavailable(ex))
            {
                throw StorageFailures.ToUnavailable(ex, _store);
            }

            throw;
        }
    }

    private static bool IsStorageFailure(Exception exception)
    {
        if (StorageFailures.IsDatabaseUnavailable(exception))
        {
            return true;
        }

        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is Orleans.Storage.InconsistentStateException
                || (e is OrleansException && e.Message.StartsWith(StorageProviderError, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
