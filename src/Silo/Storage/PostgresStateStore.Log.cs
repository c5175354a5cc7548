using Microsoft.Extensions.Logging;

namespace WPAI.Silo.Storage;

internal sealed partial class PostgresStateStore
{
    [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "A PostgreSQL batch of {Count} grain-state writes to {Target} failed and was rolled back; each caller gets the error")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, string target);

    [LoggerMessage(EventId = 4124, Level = LogLevel.Warning, Message = "A PostgreSQL batch of {Count} grain-state reads from {Target} failed; each caller gets the error")]
    private static partial void LogReadBatchFailed(ILogger logger, Exception exception, int count, string target);

    [LoggerMessage(EventId = 4122, Level = LogLevel.Information, Message = "Closed the PostgreSQL grain storage for {Target}: {Writes} writes in {Batches} batches")]
    private static partial void LogClosed(ILogger logger, string target, long writes, long batches);
}
