using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans.Runtime;

namespace WPAI.Silo.Storage;

/// <summary>
/// Orleans' reminder table on the silo's SQLite file (table <c>wpai_reminders</c>, <c>deploy/sql/sqlite-reminders</c>),
/// so that a reminder registered before a restart fires after it. Orleans has no SQLite reminder provider; this one is
/// small: reminders change rarely (a grain registers one when its periodic work starts or changes), so every call runs
/// one statement on one connection, serialized by a gate, beside the grain-state writer (WAL and the busy timeout let
/// both write to the file). Rows are keyed by (service id, grain id, reminder name); the etag is a counter.
/// </summary>
public sealed partial class SqliteReminderTable : IReminderTable, IDisposable
{
    /// <summary>The component name of the reminder schema in table <c>wpai_schema</c>.</summary>
    public const string SchemaComponent = "sqlite-reminders";

    private const string Columns = "grain_id, reminder_name, start_at, period, etag";

    private readonly string _serviceId;
    private readonly WpaiStorageOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;

    public SqliteReminderTable(string serviceId, WpaiStorageOptions options, ILogger<SqliteReminderTable> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        ArgumentNullException.ThrowIfNull(options);
        _serviceId = serviceId;
        _options = options;
        _logger = logger;
        FilePath = Path.GetFullPath(options.SqlitePath);
    }

    /// <summary>The SQLite file.</summary>
    public string FilePath { get; }

    /// <summary>The reminder schema version found or applied at start.</summary>
    public int SchemaVersion { get; private set; }

    public Task Init() => StartAsync(CancellationToken.None);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not null)
            {
                return;
            }

            var folder = Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = FilePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = false,
                DefaultTimeout = (int)Math.Ceiling(_options.SqliteBusyTimeout.TotalSeconds),
            }.ToString());
            try
            {
                connection.Open();
                Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(_options.SqliteDurability == SqliteDurability.Full ? "FULL" : "NORMAL")}; " +
                    $"PRAGMA busy_timeout={(long)_options.SqliteBusyTimeout.TotalMilliseconds};");
                SchemaVersion = SqliteSchema.Apply(connection, "sqlite-reminders", SchemaComponent);
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            _connection = connection;
            LogOpened(_logger, FilePath, SchemaVersion);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM wpai_reminders WHERE service_id = $s AND grain_id = $g;", cancellationToken, ("$g", grainId.ToString()));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>Rows whose grain hash is in (begin, end]; when begin ≥ end the range wraps around the ring.</summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM wpai_reminders WHERE service_id = $s AND " +
            (begin < end ? "grain_hash > $b AND grain_hash <= $e;" : "(grain_hash > $b OR grain_hash <= $e);"),
            cancellationToken,
            ("$b", (long)begin),
            ("$e", (long)end));

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM wpai_reminders WHERE service_id = $s AND grain_id = $g AND reminder_name = $n;",
            cancellationToken,
            ("$g", grainId.ToString()),
            ("$n", reminderName));
        return rows.Reminders.Count > 0 ? rows.Reminders[0] : null;
    }

    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    public Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return RunAsync<string?>(
            connection =>
            {
                using var command = Command(
                    connection,
                    "INSERT INTO wpai_reminders (service_id, grain_id, reminder_name, grain_hash, start_at, period, etag) VALUES ($s, $g, $n, $h, $t, $p, 1) " +
                    "ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE SET grain_hash = excluded.grain_hash, start_at = excluded.start_at, " +
                    "period = excluded.period, etag = wpai_reminders.etag + 1 RETURNING etag;",
                    ("$g", entry.GrainId.ToString()),
                    ("$n", entry.ReminderName),
                    ("$h", (long)entry.GrainId.GetUniformHashCode()),
                    ("$t", entry.StartAt.ToUniversalTime().Ticks),
                    ("$p", entry.Period.Ticks));
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            },
            cancellationToken);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <summary>Removes the row if its etag is <paramref name="eTag"/>; false when there is no such row or it changed since.</summary>
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return Task.FromResult(false);
        }

        return RunAsync(
            connection =>
            {
                using var command = Command(
                    connection,
                    "DELETE FROM wpai_reminders WHERE service_id = $s AND grain_id = $g AND reminder_name = $n AND etag = $v;",
                    ("$g", grainId.ToString()),
                    ("$n", reminderName),
                    ("$v", version));
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);
    }

    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        RunAsync(
            connection =>
            {
                using var command = Command(connection, "DELETE FROM wpai_reminders WHERE service_id = $s;");
                return command.ExecuteNonQuery();
            },
            cancellationToken);

    public void Dispose()
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        connection?.Dispose();
    }

    private Task<ReminderTableData> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        RunAsync(
            connection =>
            {
                using var command = Command(connection, sql, parameters);
                using var reader = command.ExecuteReader();
                var entries = new List<ReminderEntry>();
                while (reader.Read())
                {
                    entries.Add(new ReminderEntry
                    {
                        GrainId = GrainId.Parse(reader.GetString(0)),
                        ReminderName = reader.GetString(1),
                        StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                        Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                        ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
                    });
                }

                return new ReminderTableData(entries);
            },
            cancellationToken);

    private async Task<T> RunAsync<T>(Func<SqliteConnection, T> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var connection = _connection ?? throw new InvalidOperationException(
                $"The SQLite reminder table on {FilePath} is not open (the silo has not started it, or it has stopped).");
            return action(connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$s", _serviceId);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
