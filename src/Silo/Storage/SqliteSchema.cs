using Microsoft.Data.Sqlite;

namespace WPAI.Silo.Storage;

/// <summary>
/// Applies one component's scripts to a SQLite database: <c>deploy/sql/sqlite/000-*.sql</c> (bookkeeping) always, then
/// each numbered script of the component's folder above its recorded version once, each in its own transaction together
/// with the new version row. Components: grain state (<c>deploy/sql/sqlite</c>, <c>sqlite-grain-state</c>) and reminders
/// (<c>deploy/sql/sqlite-reminders</c>, <c>sqlite-reminders</c>), each with its own version row in <c>wpai_schema</c>.
/// Safe to run at every start and from several processes (the write lock serializes them).
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Applies the grain-state scripts; returns the schema version the database has afterwards.</summary>
    public static int Apply(SqliteConnection connection) => Apply(connection, "sqlite", SqliteStateStore.SchemaComponent);

    /// <summary>Applies the scripts under <c>deploy/sql/&lt;folder&gt;</c> as <paramref name="component"/>; returns its version afterwards.</summary>
    public static int Apply(SqliteConnection connection, string folder, string component)
    {
        var scripts = EmbeddedSql.Load(folder);
        var latest = scripts.Max(s => s.Version);
        foreach (var script in EmbeddedSql.Load("sqlite").Where(s => s.Version == 0))
        {
            Execute(connection, null, script.Text);
        }

        foreach (var script in scripts.Where(s => s.Version > 0).OrderBy(s => s.Version))
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var current = CurrentVersion(connection, transaction, component);
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
                ("$c", component),
                ("$v", script.Version));
            transaction.Commit();
        }

        using (var check = connection.BeginTransaction(deferred: true))
        {
            var version = CurrentVersion(connection, check, component);
            if (version > latest)
            {
                throw new InvalidOperationException(
                    $"SQLite file {connection.DataSource} has WPAI schema version {version} of {component}, newer than this build knows ({latest}). " +
                    "Run a WPAI build at least as new as the one that wrote it, or point storage.sqlitePath at another file.");
            }

            return version;
        }
    }

    private static int CurrentVersion(SqliteConnection connection, SqliteTransaction transaction, string component)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM wpai_schema WHERE component = $c;";
        command.Parameters.AddWithValue("$c", component);
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
