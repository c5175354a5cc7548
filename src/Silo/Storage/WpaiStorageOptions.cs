using Npgsql;
using WPAI.Abstractions.Errors;

namespace WPAI.Silo.Storage;

/// <summary>
/// Where and how WPAI keeps grain state (and, for PostgreSQL, cluster membership and reminders).
/// Bind it from configuration section <see cref="SectionName"/> and call <see cref="Validate"/> (or let
/// <see cref="WpaiStorageSiloBuilderExtensions.UseWpaiStorage"/> do it).
/// </summary>
public sealed class WpaiStorageOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Wpai:Storage";

    /// <summary>The ADO.NET invariant Orleans' providers use for PostgreSQL.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>Memory, Sqlite (default) or Postgres.</summary>
    public StorageKind Kind { get; set; } = StorageKind.Sqlite;

    /// <summary>The SQLite database file (created with its folder when missing). Used when <see cref="Kind"/> is Sqlite.</summary>
    public string SqlitePath { get; set; } = "./data/wpai.db";

    /// <summary>
    /// SQLite durability. Default <see cref="SqliteDurability.Normal"/> (WAL + <c>synchronous=NORMAL</c>): an
    /// acknowledged write survives a crash or SIGKILL of the silo, which is the failure WPAI's invariants name, and
    /// a write's commit costs no fsync (measured on the 2-core dev box: ~2,500 sequential writes/s against ~460 with
    /// FULL), which a grain that awaits several writes per placement needs. Choose <see cref="SqliteDurability.Full"/>
    /// when an acknowledged write must also survive power loss or an OS crash; group commit then shares one fsync per batch.
    /// </summary>
    public SqliteDurability SqliteDurability { get; set; } = SqliteDurability.Normal;

    /// <summary>The most writes the SQLite writer commits in one transaction (group commit).</summary>
    public int SqliteMaxBatchSize { get; set; } = 1024;

    /// <summary>How long a SQLite statement waits for a lock held by another process before failing.</summary>
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An Npgsql connection string (<c>Host=…;Port=…;Database=…;Username=…;Password=…</c>). Required when <see cref="Kind"/> is Postgres.</summary>
    public string? PostgresConnection { get; set; }

    /// <summary>The most grain-state writes the PostgreSQL storage sends in one batch and commits in one transaction (group commit).</summary>
    public int PostgresMaxBatchSize { get; set; } = 512;

    /// <summary>Whether the silo applies <c>deploy/sql/postgres</c> at start (idempotent). Off means <c>wpai db init</c> must have run.</summary>
    public bool PostgresInitializeSchema { get; set; } = true;

    /// <summary>Throws <see cref="WpaiValidationException"/> naming the first bad setting, why, and how to fix it.</summary>
    public void Validate()
    {
        switch (Kind)
        {
            case StorageKind.Memory:
                break;
            case StorageKind.Sqlite:
                ValidateSqlite();
                break;
            case StorageKind.Postgres:
                ValidatePostgres();
                break;
            default:
                throw new WpaiValidationException(
                    "storage.kind",
                    $"'{Kind}' is not a storage kind",
                    "Use one of memory, sqlite, postgres.");
        }
    }

    private void ValidateSqlite()
    {
        if (string.IsNullOrWhiteSpace(SqlitePath))
        {
            throw new WpaiValidationException(
                "storage.sqlitePath",
                "is empty",
                "Give the SQLite database file, e.g. ./data/wpai.db (the folder is created when missing).");
        }

        if (SqlitePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            throw new WpaiValidationException(
                "storage.sqlitePath",
                $"'{SqlitePath}' contains characters that are not allowed in a path",
                "Give a plain file path such as ./data/wpai.db.");
        }

        if (Directory.Exists(SqlitePath))
        {
            throw new WpaiValidationException(
                "storage.sqlitePath",
                $"'{SqlitePath}' is a folder, not a file",
                "Name the database file inside it, e.g. " + Path.Combine(SqlitePath, "wpai.db") + ".");
        }

        if (SqliteMaxBatchSize is < 1 or > 100_000)
        {
            throw new WpaiValidationException(
                "storage.sqliteMaxBatchSize",
                $"{SqliteMaxBatchSize} is outside 1..100000",
                "Leave the default (1024) unless measurements say otherwise.");
        }

        if (SqliteBusyTimeout < TimeSpan.Zero || SqliteBusyTimeout > TimeSpan.FromHours(1))
        {
            throw new WpaiValidationException(
                "storage.sqliteBusyTimeout",
                $"{SqliteBusyTimeout} is outside 0..1 hour",
                "Use a few seconds, e.g. 00:00:10.");
        }

        if (!Enum.IsDefined(SqliteDurability))
        {
            throw new WpaiValidationException(
                "storage.sqliteDurability",
                $"'{SqliteDurability}' is not a durability level",
                "Use normal or full.");
        }
    }

    private void ValidatePostgres()
    {
        if (string.IsNullOrWhiteSpace(PostgresConnection))
        {
            throw new WpaiValidationException(
                "storage.postgresConnection",
                "is required when storage.kind is postgres",
                "Pass --connection \"Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai;Password=…\" or set Wpai:Storage:PostgresConnection.");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(PostgresConnection);
        }
        catch (ArgumentException ex)
        {
            throw new WpaiValidationException(
                "storage.postgresConnection",
                "is not a valid Npgsql connection string: " + ex.Message,
                "Use key=value pairs separated by ';', e.g. Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai.");
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new WpaiValidationException(
                "storage.postgresConnection",
                "names no Host",
                "Add Host=<server name or address> to the connection string.");
        }

        if (PostgresMaxBatchSize is < 1 or > 10_000)
        {
            throw new WpaiValidationException(
                "storage.postgresMaxBatchSize",
                $"{PostgresMaxBatchSize} is outside 1..10000",
                "Leave the default (512) unless measurements say otherwise.");
        }
    }
}
