using WPAI.Abstractions.Errors;
using WPAI.Client;

namespace WPAI.Silo.Storage;

/// <summary>
/// Silo side, with PostgreSQL storage: a grain call that fails because the database is unreachable (a state write or
/// read, a reminder) throws <see cref="WpaiStorageUnavailableException"/> naming the database and saying to retry,
/// instead of the driver's exception, and the grain is deactivated so that it never answers from state it failed to
/// persist. Other failures pass unchanged.
/// </summary>
internal sealed class StorageUnavailableCallFilter(string store) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (StorageFailures.IsDatabaseUnavailable(ex))
        {
            // The grain may hold changes in memory that its failed write did not persist (a job that believes it was
            // submitted or started). Deactivate it, so that the next call reloads what storage actually holds and a
            // retried request is carried out again instead of being answered from unpersisted memory.
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "its database was unavailable: reload the persisted state"));
            throw StorageFailures.ToUnavailable(ex, store);
        }
    }
}
