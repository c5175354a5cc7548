using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace WPAI.Silo.Storage;

/// <summary>
/// Orleans grain storage on PostgreSQL, ours rather than Orleans' ADO.NET provider: the same table and key layout
/// (see <see cref="PostgresGrainKey"/>), but writes from all grains of the silo are group-committed in Npgsql batches
/// (see <see cref="PostgresStateStore"/>) instead of one statement and one commit each. State is written with Orleans'
/// binary serializer; the ETag is the row's version and every write must carry the version it read
/// (<see cref="InconsistentStateException"/> otherwise). Clearing a state keeps its row without a payload, so its
/// version keeps counting.
/// </summary>
public sealed partial class PostgresGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly string _name;
    private readonly Serializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;
    private readonly PostgresStateStore _store;

    public PostgresGrainStorage(
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
        _logger = loggerFactory.CreateLogger<PostgresGrainStorage>();
        _store = new PostgresStateStore(serviceId, options.PostgresConnection!, options.PostgresMaxBatchSize, _logger);
    }

    /// <summary>Writes committed and the batches that carried them: their ratio is the mean group-commit batch.</summary>
    public (long Writes, long Batches) CommitCounters => _store.Counters;

    /// <summary>Reads served and the batches (round trips) that carried them.</summary>
    public (long Reads, long Batches) ReadCounters => _store.ReadCounters;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = await _store.ReadAsync(PostgresGrainKey.From(stateName, grainId));
        if (row is { Payload: { } payload } stored)
        {
            grainState.State = Deserialize<T>(stateName, grainId, payload);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = _activators.GetActivator<T>().Create();
            grainState.RecordExists = false;
        }

        // A cleared row keeps its version: the next write must name it.
        grainState.ETag = row?.Version.ToString(CultureInfo.InvariantCulture);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.SerializeToArray(grainState.State);
        var version = await _store.WriteAsync(PostgresGrainKey.From(stateName, grainId), ParseETag(stateName, grainId, grainState.ETag), payload);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = await _store.WriteAsync(PostgresGrainKey.From(stateName, grainId), ParseETag(stateName, grainId, grainState.ETag), null);
        grainState.ETag = version == 0 ? null : version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = false;
        grainState.State = _activators.GetActivator<T>().Create();
    }

    public void Participate(ISiloLifecycle observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observer.Subscribe(
            $"{nameof(PostgresGrainStorage)}-{_name}",
            ServiceLifecycleStage.ApplicationServices,
            _ => Task.CompletedTask,
            async _ => await DisposeAsync());
    }

    /// <summary>Commits every write queued so far and closes the connections.</summary>
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private T Deserialize<T>(string stateName, GrainId grainId, byte[] payload) =>
        StoredStates.Deserialize<T>(_serializer, stateName, grainId, payload, _store.Target, ex => LogUnreadableState(_logger, ex, stateName, grainId, _store.Target));

    private static long? ParseETag(string stateName, GrainId grainId, string? etag) => StoredStates.ParseETag(stateName, grainId, etag, "PostgreSQL", int.MaxValue);
}
