using Microsoft.Extensions.Logging;

namespace WPAI.Silo.Storage;

/// <summary>Applies WPAI's PostgreSQL schema at the very start of a silo, before membership and storage use it.</summary>
internal sealed partial class PostgresSchemaStartup(string connectionString, ILoggerFactory loggerFactory) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<PostgresSchemaStartup>();

    public void Participate(ISiloLifecycle observer) =>
        observer.Subscribe(nameof(PostgresSchemaStartup), ServiceLifecycleStage.First, async cancellationToken =>
        {
            var report = await DatabaseInitializer.InitializeAsync(connectionString, cancellationToken);
            LogSchema(_logger, report.Database, report.Version, report.AppliedScripts.Count);
        });

    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "PostgreSQL database {Database}: WPAI schema version {Version} ({Applied} scripts applied now)")]
    private static partial void LogSchema(ILogger logger, string database, int version, int applied);
}
