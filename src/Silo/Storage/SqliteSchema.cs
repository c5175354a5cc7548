using Microsoft.Data.Sqlite;

namespace WPAI.Silo.Storage;

/// <summary>
/// Applies <c>deploy/sql/sqlite/NNN-*.sql</c> to a SQLite database: script 000 (bookkeeping) always, each
/// numbered script above the recorded version once, each in its own transaction together with the new
/// version row. Safe to run at every start and from several processes (the write lock serializes them).
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Returns the schema version the database has afterwards.</summary>
    public static int Apply(SqliteConnection connection)
    {
        var scripts = EmbeddedSql.Load("sqlite");
        var latest = scripts.Max(s => s.Version);
        foreach (var script in scripts.Where(s => s.Version == 0))
        {
            Execute(connection, null, script.Text);
        }

        foreach (var script in scripts.Where(s => s.Version > 0).OrderBy(s => s.Version))
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var current = CurrentVersion(connection, transaction);
            if (current >= script.Version)
            {
                transaction.Rollback();
                continue;
            }

            Execute(connection, transaction, script.Text);
            Execute(
                connection,
                transaction,
                "INSERT INTO wpai_schema (component, version, applied_utc) VALUES ($c, $v, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) " +
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version, applied_utc = excluded.applied_utc;",
                ("$c", SqliteStateStore.SchemaComponent),
                ("$v", script.Version));
            transaction.Commit();
        }

        using (var check = connection.BeginTransaction(deferred: true))
        {
            var version = CurrentVersion(connection, check);
            if (version > latest)
            {
                throw new InvalidOperationException(
                    $"SQLite file {connection.DataSource} has WPAI schema version {version}, newer than this build knows ({latest}). " +
                    "Run a WPAI build at least as new as the one that wrote it, or point storage.sqlitePath at another file.");
            }

            return version;
        }
    }

    private static int CurrentVersion(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM wpai_schema WHERE component = $c;";
        command.Parameters.AddWithValue("$c", SqliteStateStore.SchemaComponent);
        return command.ExecuteScalar() is long version ? checked((int)version) : 0;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
