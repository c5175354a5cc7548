using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace WPAI.Silo.Storage;

/// <summary>
/// Orleans grain storage in a local SQLite file (Orleans ships no SQLite provider; this one is ours).
/// State is written with Orleans' binary serializer (state types use <c>[GenerateSerializer]</c>/<c>[Id]</c>);
/// the ETag is the row's version and every write must carry the version it read
/// (<see cref="InconsistentStateException"/> otherwise). Writes from all grains are group-committed:
/// see <see cref="SqliteStateStore"/>. Clearing a state deletes its row.
/// </summary>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable, IDisposable
{
    private readonly string _name;
    private readonly Serializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;
    private readonly SqliteStateStore _store;
    private readonly Lock _openLock = new();
    private volatile bool _opened;

    public SqliteGrainStorage(
        string name,
        string serviceId,
        WpaiStorageOptions options,
        Serializer serializer,
        IActivatorProvider activators,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        _name = name;
        _serializer = serializer;
        _activators = activators;
        _logger = loggerFactory.CreateLogger<SqliteGrainStorage>();
        _store = new SqliteStateStore(serviceId, options, _logger);
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath => _store.FilePath;

    /// <summary>The WPAI schema version of the file (0 until opened).</summary>
    public int SchemaVersion => _store.SchemaVersion;

    /// <summary>Writes committed and the transactions that carried them: their ratio is the mean group-commit batch.</summary>
    public (long Writes, long Batches) CommitCounters => _store.Counters;

    /// <summary>The writer's time inside transactions so far: ÷ wall time, how busy the one writer is.</summary>
    public TimeSpan CommitTime => _store.CommitTime;

    /// <summary>Opens the file (creating it and applying the schema) unless already open. Called at silo start or on first use.</summary>
    public void Open()
    {
        if (_opened)
        {
            return;
        }

        lock (_openLock)
        {
            if (!_opened)
            {
                _store.Open();
                _opened = true;
            }
        }
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Open();
        var stored = await _store.ReadAsync(stateName, grainId.ToString());
        if (stored is { } row)
        {
            grainState.State = Deserialize<T>(stateName, grainId, row.Payload);
            grainState.ETag = row.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = _activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Open();
        var payload = _serializer.SerializeToArray(grainState.State);
        var version = await _store.WriteAsync(stateName, grainId.ToString(), ParseETag(stateName, grainId, grainState.ETag), payload);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Open();
        await _store.DeleteAsync(stateName, grainId.ToString(), ParseETag(stateName, grainId, grainState.ETag));
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = _activators.GetActivator<T>().Create();
    }

    public void Participate(ISiloLifecycle observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observer.Subscribe(
            $"{nameof(SqliteGrainStorage)}-{_name}",
            ServiceLifecycleStage.ApplicationServices,
            _ =>
            {
                Open();
                return Task.CompletedTask;
            },
            async _ => await DisposeAsync());
    }

    /// <summary>Commits every write queued so far and closes the file.</summary>
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    public void Dispose() => _store.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private T Deserialize<T>(string stateName, GrainId grainId, byte[] payload) =>
        StoredStates.Deserialize<T>(_serializer, stateName, grainId, payload, "SQLite file " + FilePath, ex => LogUnreadableState(_logger, ex, stateName, grainId, FilePath));

    private static long? ParseETag(string stateName, GrainId grainId, string? etag) => StoredStates.ParseETag(stateName, grainId, etag, "SQLite");
}
