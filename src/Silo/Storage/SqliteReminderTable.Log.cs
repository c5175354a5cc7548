using Microsoft.Extensions.Logging;

namespace WPAI.Silo.Storage;

public sealed partial class SqliteReminderTable
{
    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "Reminders in SQLite file {Path} (reminder schema version {Version})")]
    private static partial void LogOpened(ILogger logger, string path, int version);
}
