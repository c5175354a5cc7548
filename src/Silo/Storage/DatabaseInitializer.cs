using Npgsql;

namespace WPAI.Silo.Storage;

/// <summary>
/// Applies WPAI's PostgreSQL schema (<c>deploy/sql/postgres/NNN-*.sql</c>, embedded in this assembly): the tables
/// and the <c>OrleansQuery</c> rows that Orleans' ADO.NET clustering, persistence and reminder providers read.
/// Idempotent: script 000 (bookkeeping) always runs, each numbered script runs once, inside one transaction with
/// its version row, under a transaction-level advisory lock so several silos starting at once apply it once.
/// </summary>
public static class DatabaseInitializer
{
    /// <summary>The component name of WPAI's schema in table <c>wpai_schema</c>.</summary>
    public const string SchemaComponent = "postgres-orleans";

    // An arbitrary constant key for pg_advisory_xact_lock: "WPAI" in ASCII.
    private const long AdvisoryLockKey = 0x57504149;

    /// <summary>Brings the database to the newest schema version and reports what it found and did.</summary>
    /// <exception cref="InvalidOperationException">The server cannot be reached, the database is newer than this build, or a script fails (the message says which).</exception>
    public static async Task<SchemaReport> InitializeAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var scripts = EmbeddedSql.Load("postgres");
        var latest = scripts.Max(s => s.Version);
        await using var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            throw new InvalidOperationException(
                $"Cannot connect to PostgreSQL at {target.Host}:{target.Port}, database '{target.Database}' as '{target.Username}': {ex.Message}. " +
                "Check that the server runs and the connection string (--connection) is right.",
                ex);
        }

        var applied = new List<string>();
        int previous;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(" + AdvisoryLockKey + ");", cancellationToken);
            foreach (var script in scripts.Where(s => s.Version == 0))
            {
                await ExecuteScriptAsync(connection, transaction, script, cancellationToken);
            }

            previous = await CurrentVersionAsync(connection, transaction, cancellationToken);
            if (previous > latest)
            {
                throw new InvalidOperationException(
                    $"Database '{connection.Database}' has WPAI schema version {previous}, newer than this build knows ({latest}). Upgrade WPAI before connecting it to this database.");
            }

            foreach (var script in scripts.Where(s => s.Version > previous).OrderBy(s => s.Version))
            {
                await ExecuteScriptAsync(connection, transaction, script, cancellationToken);
                await using var record = new NpgsqlCommand(
                    "INSERT INTO wpai_schema (component, version, applied_utc) VALUES (@component, @version, now() AT TIME ZONE 'UTC') " +
                    "ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, applied_utc = EXCLUDED.applied_utc;",
                    connection,
                    transaction);
                record.Parameters.AddWithValue("component", SchemaComponent);
                record.Parameters.AddWithValue("version", script.Version);
                await record.ExecuteNonQueryAsync(cancellationToken);
                applied.Add(script.Name);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var version = await CurrentVersionAsync(connection, null, cancellationToken);
        return new SchemaReport(connection.Database, connection.ServerVersion, version, previous, latest, applied);
    }

    /// <summary>Reads the database's WPAI schema version and the version this build expects; changes nothing.</summary>
    /// <exception cref="InvalidOperationException">The server cannot be reached (the message names it and says what to check).</exception>
    public static async Task<SchemaStatus> ReadStatusAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var latest = EmbeddedSql.Load("postgres").Max(s => s.Version);
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Cannot connect to PostgreSQL at {target.Host}:{target.Port}, database '{target.Database}' as '{target.Username}': {ex.Message}. " +
                "Check that the server runs and the connection string (--connection) is right.",
                ex);
        }

        await using var exists = new NpgsqlCommand("SELECT to_regclass('wpai_schema') IS NOT NULL;", connection);
        var version = await exists.ExecuteScalarAsync(cancellationToken) is true
            ? await CurrentVersionAsync(connection, null, cancellationToken)
            : 0;
        return new SchemaStatus(connection.Database, $"{target.Host}:{target.Port}", connection.ServerVersion, version, latest);
    }

    private static async Task ExecuteScriptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EmbeddedSql.Script script, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, transaction, script.Text, cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException(
                $"deploy/sql/postgres/{script.Name} failed on database '{connection.Database}' ({ex.SqlState}: {ex.MessageText}" +
                (ex.Position > 0 ? $" at character {ex.Position}" : string.Empty) + "). Nothing of this run was applied.",
                ex);
        }
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM wpai_schema WHERE component = @component;", connection, transaction);
        command.Parameters.AddWithValue("component", SchemaComponent);
        return await command.ExecuteScalarAsync(cancellationToken) is int version ? version : 0;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
