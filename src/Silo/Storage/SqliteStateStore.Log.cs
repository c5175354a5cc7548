using Microsoft.Extensions.Logging;

namespace WPAI.Silo.Storage;

internal sealed partial class SqliteStateStore
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Grain state in SQLite file {Path} (schema version {Version}, durability {Durability}, WAL, group commit)")]
    private static partial void LogOpened(ILogger logger, string path, int version, SqliteDurability durability);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "A SQLite batch of {Count} writes to {Path} failed and was rolled back; each caller gets the error")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, string path);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Closed SQLite file {Path}: {Writes} writes in {Batches} transactions")]
    private static partial void LogClosed(ILogger logger, string path, long writes, long batches);
}
