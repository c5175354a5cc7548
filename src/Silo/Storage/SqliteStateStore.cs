using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace WPAI.Silo.Storage;

/// <summary>
/// Versioned byte payloads in one SQLite file, keyed by (service, state name, grain id).
/// Reads run on the caller's thread on a small pool of read connections (WAL lets them run beside the writer).
/// Writes and deletes are queued to one writer thread that drains everything queued so far into one transaction
/// (group commit): under load, hundreds of writes share one commit and one fsync, and each caller's task
/// completes when its batch has committed. The writer is a thread of its own, not a thread-pool loop: a busy silo keeps
/// the thread pool's queue full of grain turns, and a writer woken through it waited there many times longer than its
/// commits took (README "Scheduling benchmark", "What a pass waits for on SQLite"). Every write is checked against the caller's version (ETag);
/// a mismatch fails only that write.
/// </summary>
internal sealed partial class SqliteStateStore : IAsyncDisposable
{
    internal const string SchemaComponent = "sqlite-grain-state";

    /// <summary>Pages in the write-ahead log before a commit copies them into the file (SQLite's default: 1,000).</summary>
    private const int CheckpointPages = 10_000;

    private readonly string _serviceId;
    private readonly WpaiStorageOptions _options;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly BlockingCollection<PendingWrite> _queue = new(new ConcurrentQueue<PendingWrite>());
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentBag<Reader> _readers = [];
    private SqliteConnection? _writer;
    private Thread? _writerThread;
    private int _disposed;

    public SqliteStateStore(string serviceId, WpaiStorageOptions options, ILogger logger)
    {
        _serviceId = serviceId;
        _options = options;
        _logger = logger;
        var fullPath = Path.GetFullPath(options.SqlitePath);
        FilePath = fullPath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.SqliteBusyTimeout.TotalSeconds),
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>The schema version found or applied by <see cref="Open"/>.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>Writes committed so far and the transactions that carried them (for measurements).</summary>
    public (long Writes, long Batches) Counters => (Interlocked.Read(ref _writesCommitted), Interlocked.Read(ref _batchesCommitted));

    private long _writesCommitted;
    private long _batchesCommitted;
    private long _commitTicks;

    /// <summary>The writer's time inside transactions so far (begin to commit, failed ones included; for measurements).</summary>
    public TimeSpan CommitTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks));

    /// <summary>Creates the file and folder when missing, applies the schema, and starts the writer loop.</summary>
    public void Open()
    {
        var folder = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var writer = OpenConnection();
        try
        {
            using (var wal = writer.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                var mode = Convert.ToString(wal.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(
                        $"SQLite file {FilePath} could not switch to write-ahead logging (journal_mode is '{mode}'); WPAI needs WAL. Is the file on a network or read-only file system?");
                }
            }

            SchemaVersion = SqliteSchema.Apply(writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }

        _writer = writer;
        _writerThread = new Thread(RunWriter) { IsBackground = true, Name = "wpai-sqlite-writer" };
        _writerThread.Start();
        LogOpened(_logger, FilePath, SchemaVersion, _options.SqliteDurability);
    }

    public Task<StoredState?> ReadAsync(string stateName, string grainId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_readers.TryTake(out var reader))
        {
            reader = new Reader(OpenConnection(), _serviceId);
        }

        try
        {
            var result = reader.Read(stateName, grainId);
            _readers.Add(reader);
            return Task.FromResult(result);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Stores <paramref name="payload"/> if the stored version is <paramref name="expectedVersion"/> (null: no row); returns the new version.</summary>
    public Task<long> WriteAsync(string stateName, string grainId, long? expectedVersion, byte[] payload) =>
        Enqueue(new PendingWrite(stateName, grainId, expectedVersion, payload));

    /// <summary>Deletes the row if its version is <paramref name="expectedVersion"/> (null: there must be no row).</summary>
    public Task DeleteAsync(string stateName, string grainId, long? expectedVersion) =>
        Enqueue(new PendingWrite(stateName, grainId, expectedVersion, null));

    private Task<long> Enqueue(PendingWrite write)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_writer is null)
        {
            throw new InvalidOperationException("The SQLite state store is not open.");
        }

        try
        {
            _queue.Add(write);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException) // completed, or disposed meanwhile
        {
            throw new OrleansException($"The SQLite state store for {FilePath} is closed or its writer stopped (see the log); the write was not stored.");
        }

        return write.Completion.Task;
    }

    private void RunWriter()
    {
        var connection = _writer!;
        var batch = new List<PendingWrite>(Math.Min(_options.SqliteMaxBatchSize, 4096));
        try
        {
            using var statements = new WriterStatements(connection, _serviceId);
            // Blocks this thread (its own, not the thread pool's) until a write is queued; ends when disposal completes the queue.
            while (_queue.TryTake(out var first, Timeout.Infinite))
            {
                batch.Add(first);
                while (batch.Count < _options.SqliteMaxBatchSize && _queue.TryTake(out var write))
                {
                    batch.Add(write);
                }

                CommitBatch(connection, statements, batch);
                batch.Clear();
            }
        }
        catch (Exception ex)
        {
            // The writer cannot go on (e.g. the statements cannot be prepared): refuse new writes and fail every
            // queued one rather than leave callers waiting forever.
            LogWriterFailed(_logger, ex, FilePath);
            _queue.CompleteAdding();
            var failure = new OrleansException($"The SQLite writer for {FilePath} stopped: {ex.Message}. Restart the silo after fixing the cause.", ex);
            foreach (var write in batch)
            {
                write.Completion.TrySetException(failure);
            }

            while (_queue.TryTake(out var queued))
            {
                queued.Completion.TrySetException(failure);
            }
        }
        finally
        {
            _writerStopped.TrySetResult();
        }
    }

    private void CommitBatch(SqliteConnection connection, WriterStatements statements, List<PendingWrite> batch)
    {
        var outcomes = new Outcome[batch.Count];
        var began = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                statements.Enlist(transaction);
                for (var i = 0; i < batch.Count; i++)
                {
                    outcomes[i] = statements.Apply(batch[i]);
                }

                transaction.Commit();
            }

            Interlocked.Add(ref _writesCommitted, batch.Count);
            Interlocked.Increment(ref _batchesCommitted);
            Interlocked.Add(ref _commitTicks, System.Diagnostics.Stopwatch.GetTimestamp() - began);
        }
        catch (Exception ex)
        {
            Interlocked.Add(ref _commitTicks, System.Diagnostics.Stopwatch.GetTimestamp() - began);
            LogBatchFailed(_logger, ex, batch.Count, FilePath);
            foreach (var write in batch)
            {
                write.Completion.TrySetException(new OrleansException(
                    $"Writing grain state '{write.StateName}' of {write.GrainId} to SQLite file {FilePath} failed: {ex.Message}. Nothing of this write was stored; retry it.", ex));
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            var outcome = outcomes[i];
            if (outcome.Succeeded)
            {
                write.Completion.TrySetResult(outcome.Version);
            }
            else
            {
                var expected = write.ExpectedVersion?.ToString(CultureInfo.InvariantCulture) ?? "none";
                var stored = outcome.Version == 0 ? "none" : outcome.Version.ToString(CultureInfo.InvariantCulture);
                write.Completion.TrySetException(new InconsistentStateException(
                    $"Grain state '{write.StateName}' of {write.GrainId} was changed by someone else: the caller expected version {expected}, the SQLite file holds version {stored}. Re-read the state (reactivate the grain) and retry.",
                    stored,
                    expected));
            }
        }
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        var synchronous = _options.SqliteDurability == SqliteDurability.Full ? "FULL" : "NORMAL";
        // wal_autocheckpoint: the log is copied into the file (two fsyncs) every CheckpointPages pages instead of
        // SQLite's 1,000, so that a page rewritten many times is copied once and the writer stops for fewer fsyncs.
        // A commit is acknowledged exactly as before (synchronous as configured; with FULL each commit is fsynced).
        pragmas.CommandText =
            $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={(long)_options.SqliteBusyTimeout.TotalMilliseconds}; " +
            $"PRAGMA wal_autocheckpoint={CheckpointPages};";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        if (_writerThread is not null)
        {
            // Drains what was queued before disposal: every accepted write is committed or failed.
            await _writerStopped.Task.ConfigureAwait(false);
        }

        _queue.Dispose();
        _writer?.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }

        LogClosed(_logger, FilePath, Interlocked.Read(ref _writesCommitted), Interlocked.Read(ref _batchesCommitted));
    }

    /// <summary>A stored row: its version and the serialized state.</summary>
    internal readonly record struct StoredState(long Version, byte[] Payload);

    /// <summary>What one write did: on success the new version (0 after a delete); on a conflict the stored version (0: no row).</summary>
    private readonly record struct Outcome(bool Succeeded, long Version)
    {
        public static Outcome Success(long version) => new(true, version);

        public static Outcome Conflict(long stored) => new(false, stored);
    }

    private sealed class PendingWrite(string stateName, string grainId, long? expectedVersion, byte[]? payload)
    {
        public string StateName { get; } = stateName;

        public string GrainId { get; } = grainId;

        public long? ExpectedVersion { get; } = expectedVersion;

        /// <summary>Null for a delete.</summary>
        public byte[]? Payload { get; } = payload;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A read connection with its prepared statement, reused for every read it serves (one read at a time).</summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _select;

        public Reader(SqliteConnection connection, string serviceId)
        {
            _connection = connection;
            try
            {
                _select = connection.CreateCommand();
                _select.CommandText = "SELECT etag, payload FROM wpai_grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g;";
                _select.Parameters.AddWithValue("$s", serviceId);
                _select.Parameters.Add("$n", SqliteType.Text);
                _select.Parameters.Add("$g", SqliteType.Text);
                _select.Prepare();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public StoredState? Read(string stateName, string grainId)
        {
            _select.Parameters["$n"].Value = stateName;
            _select.Parameters["$g"].Value = grainId;
            using var reader = _select.ExecuteReader();
            return reader.Read() ? new StoredState(reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;
        }

        public void Dispose()
        {
            _select.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>The writer's prepared statements, reused for every write.</summary>
    private sealed class WriterStatements : IDisposable
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _version;

        public WriterStatements(SqliteConnection connection, string serviceId)
        {
            _insert = Create(connection, serviceId,
                "INSERT INTO wpai_grain_state (service_id, state_name, grain_id, etag, payload) VALUES ($s, $n, $g, 1, $p) ON CONFLICT DO NOTHING;",
                withVersion: false, withPayload: true);
            _update = Create(connection, serviceId,
                "UPDATE wpai_grain_state SET etag = etag + 1, payload = $p WHERE service_id = $s AND state_name = $n AND grain_id = $g AND etag = $v;",
                withVersion: true, withPayload: true);
            _delete = Create(connection, serviceId,
                "DELETE FROM wpai_grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g AND etag = $v;",
                withVersion: true, withPayload: false);
            _version = Create(connection, serviceId,
                "SELECT etag FROM wpai_grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g;",
                withVersion: false, withPayload: false);
        }

        public void Enlist(SqliteTransaction transaction)
        {
            _insert.Transaction = transaction;
            _update.Transaction = transaction;
            _delete.Transaction = transaction;
            _version.Transaction = transaction;
        }

        /// <summary>Applies one write inside the open transaction; a version mismatch changes nothing.</summary>
        public Outcome Apply(PendingWrite write)
        {
            if (write.Payload is { } payload)
            {
                if (write.ExpectedVersion is { } expected)
                {
                    SetKey(_update, write);
                    _update.Parameters["$v"].Value = expected;
                    _update.Parameters["$p"].Value = payload;
                    return _update.ExecuteNonQuery() == 1 ? Outcome.Success(expected + 1) : Outcome.Conflict(CurrentVersion(write));
                }

                SetKey(_insert, write);
                _insert.Parameters["$p"].Value = payload;
                return _insert.ExecuteNonQuery() == 1 ? Outcome.Success(1) : Outcome.Conflict(CurrentVersion(write));
            }

            if (write.ExpectedVersion is { } version)
            {
                SetKey(_delete, write);
                _delete.Parameters["$v"].Value = version;
                return _delete.ExecuteNonQuery() == 1 ? Outcome.Success(0) : Outcome.Conflict(CurrentVersion(write));
            }

            // Clearing a state the caller believes absent: fine when it is absent.
            var current = CurrentVersion(write);
            return current == 0 ? Outcome.Success(0) : Outcome.Conflict(current);
        }

        private long CurrentVersion(PendingWrite write)
        {
            SetKey(_version, write);
            return _version.ExecuteScalar() is long stored ? stored : 0;
        }

        private static void SetKey(SqliteCommand command, PendingWrite write)
        {
            command.Parameters["$n"].Value = write.StateName;
            command.Parameters["$g"].Value = write.GrainId;
        }

        private static SqliteCommand Create(SqliteConnection connection, string serviceId, string sql, bool withVersion, bool withPayload)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$s", serviceId);
            command.Parameters.Add("$n", SqliteType.Text);
            command.Parameters.Add("$g", SqliteType.Text);
            if (withVersion)
            {
                command.Parameters.Add("$v", SqliteType.Integer);
            }

            if (withPayload)
            {
                command.Parameters.Add("$p", SqliteType.Blob);
            }

            command.Prepare();
            return command;
        }

        public void Dispose()
        {
            _insert.Dispose();
            _update.Dispose();
            _delete.Dispose();
            _version.Dispose();
        }
    }
}
