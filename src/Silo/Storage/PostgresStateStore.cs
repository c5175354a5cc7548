using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace WPAI.Silo.Storage;

/// <summary>
/// Versioned grain-state payloads in PostgreSQL table <c>wpai_grain_state</c> (keyed as <see cref="PostgresGrainKey"/>).
/// Writes and clears are queued to one writer loop that drains everything queued so far into one
/// <see cref="NpgsqlBatch"/>: one round trip, one implicit transaction and one commit (group commit), with the statements
/// auto-prepared; each caller's task completes when its batch has committed. Reads are grouped the same way by a reader
/// loop of their own (a job's activation reads its state: as many round trips and transactions as jobs, where the
/// writes need a fraction of that), so reads never wait behind a commit.
/// Every write is checked against the caller's version (ETag); a mismatch fails only that write. When PostgreSQL
/// cannot be reached, the batch's writes fail with Npgsql's exception (the caller sees it as "storage unavailable") and
/// the next batch opens a fresh connection, so the store recovers by itself when the server is back.
/// </summary>
internal sealed partial class PostgresStateStore : IAsyncDisposable
{
    private const string KeyColumns = "service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_extension";

    private const string KeyMatch =
        "grain_id_hash = $4 AND grain_type_hash = $2 AND service_id = $1 AND grain_id_n0 = $5 AND grain_id_n1 = $6 " +
        "AND grain_type = $3 AND coalesce(grain_id_extension, '') = coalesce($7, '')";

    private const string ReadSql = "SELECT payload, version FROM wpai_grain_state WHERE " + KeyMatch + ";";

    private const string InsertSql =
        "INSERT INTO wpai_grain_state (" + KeyColumns + ", version, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) " +
        "ON CONFLICT DO NOTHING RETURNING version;";

    private const string UpdateSql =
        "UPDATE wpai_grain_state SET payload = $8, version = version + 1, modified_utc = now() WHERE " + KeyMatch +
        " AND version = $9 RETURNING version;";

    private const string ClearSql =
        "UPDATE wpai_grain_state SET payload = NULL, version = version + 1, modified_utc = now() WHERE " + KeyMatch +
        " AND version = $8 RETURNING version;";

    // Clearing a state the caller saw no row for succeeds when there still is none (answers no row).
    private const string AbsentSql = "SELECT version FROM wpai_grain_state WHERE " + KeyMatch + ";";

    private readonly string _serviceId;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<StateWrite<PostgresGrainKey>> _queue = Channel.CreateUnbounded<StateWrite<PostgresGrainKey>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
    private readonly Channel<StateRead> _reads = Channel.CreateUnbounded<StateRead>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
    private readonly Task _writerLoop;
    private readonly Task _readerLoop;
    private long _writesCommitted;
    private long _batchesCommitted;
    private long _readsServed;
    private long _readBatches;
    private int _disposed;

    public PostgresStateStore(string serviceId, string connectionString, int maxBatchSize, ILogger logger)
    {
        _serviceId = serviceId;
        _maxBatchSize = maxBatchSize;
        _logger = logger;
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The same five statements run all the time: prepared once per physical connection, parsed never again.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
        }

        // These connections never change session state (no SET, temporary tables, LISTEN or advisory locks), so a
        // connection going back to the pool needs no reset: without this, Npgsql sends RESET ALL, CLOSE ALL, UNLISTEN,
        // DISCARD and an advisory unlock ahead of the next statement on it, parsed and run by the server every time.
        builder.ConnectionStringBuilder.NoResetOnClose = true;

        _dataSource = builder.Build();
        Target = StorageFailuresDescription(builder.ConnectionStringBuilder);
        _writerLoop = Task.Run(RunWriterAsync);
        _readerLoop = Task.Run(RunReaderAsync);
    }

    /// <summary>"database 'x' at host:port", for messages.</summary>
    public string Target { get; }

    /// <summary>Writes committed so far and the batches (transactions) that carried them.</summary>
    public (long Writes, long Batches) Counters => (Interlocked.Read(ref _writesCommitted), Interlocked.Read(ref _batchesCommitted));

    /// <summary>Reads served so far and the batches (round trips) that carried them.</summary>
    public (long Reads, long Batches) ReadCounters => (Interlocked.Read(ref _readsServed), Interlocked.Read(ref _readBatches));

    /// <summary>The stored version and payload (null payload: cleared), or null when the state has no row.</summary>
    public Task<(long Version, byte[]? Payload)?> ReadAsync(PostgresGrainKey key)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var read = new StateRead(key);
        if (!_reads.Writer.TryWrite(read))
        {
            throw new ObjectDisposedException(nameof(PostgresStateStore), $"The PostgreSQL grain storage for {Target} is closed; the state was not read.");
        }

        return read.Completion.Task;
    }

    /// <summary>Stores <paramref name="payload"/> (null: clears it) if the stored version is <paramref name="expectedVersion"/> (null: no row); returns the new version.</summary>
    public Task<long> WriteAsync(PostgresGrainKey key, long? expectedVersion, byte[]? payload)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var write = new StateWrite<PostgresGrainKey>(key, expectedVersion, payload);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(PostgresStateStore), $"The PostgreSQL grain storage for {Target} is closed; the write was not stored.");
        }

        return write.Completion.Task;
    }

    private Task RunWriterAsync() => RunInBatchesAsync(
        _queue.Reader,
        CommitAsync,
        (write, ex) => write.Completion.TrySetException(ex),
        // Nothing of the batch was stored (one implicit transaction); the next batch takes a fresh connection.
        (ex, count) => LogBatchFailed(_logger, ex, count, Target));

    private Task RunReaderAsync() => RunInBatchesAsync(
        _reads.Reader,
        ReadBatchAsync,
        (read, ex) => read.Completion.TrySetException(ex),
        // Nothing was read; the next batch takes a fresh connection.
        (ex, count) => LogReadBatchFailed(_logger, ex, count, Target));

    /// <summary>
    /// Until <paramref name="queue"/> is closed: takes everything queued so far (at most the batch size) and runs it as one
    /// batch; when the batch throws, each of its items fails with the exception and the loop goes on with the next.
    /// </summary>
    private async Task RunInBatchesAsync<T>(ChannelReader<T> queue, Func<List<T>, Task> run, Action<T, Exception> fail, Action<Exception, int> logFailure)
    {
        var batch = new List<T>(Math.Min(_maxBatchSize, 4096));
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatchSize && queue.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await run(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                logFailure(ex, batch.Count);
                foreach (var item in batch)
                {
                    fail(item, ex);
                }
            }

            batch.Clear();
        }
    }

    private async Task ReadBatchAsync(List<StateRead> batch)
    {
        var rows = new (long Version, byte[]? Payload)?[batch.Count];
        await using (var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false))
        await using (var statements = new NpgsqlBatch(connection))
        {
            foreach (var read in batch)
            {
                var command = new NpgsqlBatchCommand(ReadSql);
                AddKey(command.Parameters, read.Key);
                statements.BatchCommands.Add(command);
            }

            await using var reader = await statements.ExecuteReaderAsync().ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                if (await reader.ReadAsync().ConfigureAwait(false))
                {
                    rows[i] = (reader.GetInt32(1), reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0));
                }

                await reader.NextResultAsync().ConfigureAwait(false);
            }
        }

        Interlocked.Add(ref _readsServed, batch.Count);
        Interlocked.Increment(ref _readBatches);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(rows[i]);
        }
    }

    private async Task CommitAsync(List<StateWrite<PostgresGrainKey>> batch)
    {
        var versions = new long?[batch.Count];
        await using (var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false))
        await using (var statements = new NpgsqlBatch(connection))
        {
            foreach (var write in batch)
            {
                statements.BatchCommands.Add(Statement(write));
            }

            await using var reader = await statements.ExecuteReaderAsync().ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                versions[i] = await reader.ReadAsync().ConfigureAwait(false) ? reader.GetInt32(0) : null;
                await reader.NextResultAsync().ConfigureAwait(false);
            }
        }

        Interlocked.Add(ref _writesCommitted, batch.Count);
        Interlocked.Increment(ref _batchesCommitted);
        for (var i = 0; i < batch.Count; i++)
        {
            Settle(batch[i], versions[i]);
        }
    }

    private NpgsqlBatchCommand Statement(StateWrite<PostgresGrainKey> write)
    {
        var (sql, withPayload, withVersion) = (write.Payload, write.ExpectedVersion) switch
        {
            (not null, null) => (InsertSql, true, false),
            (not null, not null) => (UpdateSql, true, true),
            (null, not null) => (ClearSql, false, true),
            (null, null) => (AbsentSql, false, false),
        };
        var command = new NpgsqlBatchCommand(sql);
        AddKey(command.Parameters, write.Key);
        if (withPayload)
        {
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = write.Payload, NpgsqlDbType = NpgsqlDbType.Bytea });
        }

        if (withVersion)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = checked((int)write.ExpectedVersion!.Value) });
        }

        return command;
    }

    private static void Settle(StateWrite<PostgresGrainKey> write, long? answered)
    {
        // Insert/update/clear answer the new version, or no row on a version mismatch; the absence check answers no row when absent.
        var absenceCheck = write.Payload is null && write.ExpectedVersion is null;
        if (absenceCheck ? answered is null : answered is not null)
        {
            write.Completion.TrySetResult(answered ?? 0);
            return;
        }

        var expected = write.ExpectedVersion?.ToString(CultureInfo.InvariantCulture) ?? "none";
        write.Completion.TrySetException(new InconsistentStateException(
            $"Grain state '{write.Key}' was changed by someone else: the caller expected version {expected}, PostgreSQL holds another. " +
            "Re-read the state (reactivate the grain) and retry.",
            "other",
            expected));
    }

    private void AddKey(NpgsqlParameterCollection parameters, PostgresGrainKey key)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = key.TypeHash });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = key.StateName });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = key.IdHash });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = key.N0 });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = key.N1 });
        parameters.Add(key.Extension is null
            ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
            : new NpgsqlParameter<string> { TypedValue = key.Extension });
    }

    /// <summary>One queued read; completes with the row (null: none) once its batch was read.</summary>
    private sealed class StateRead(PostgresGrainKey key)
    {
        public PostgresGrainKey Key { get; } = key;

        public TaskCompletionSource<(long Version, byte[]? Payload)?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static string StorageFailuresDescription(NpgsqlConnectionStringBuilder builder) =>
        $"PostgreSQL database '{builder.Database}' at {builder.Host}:{builder.Port}";

    /// <summary>Commits every write queued so far, then closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _reads.Writer.TryComplete();
        await Task.WhenAll(_writerLoop, _readerLoop).ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        LogClosed(_logger, Target, Interlocked.Read(ref _writesCommitted), Interlocked.Read(ref _batchesCommitted));
    }
}
