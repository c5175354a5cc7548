using System.Globalization;
using System.Text;
using Npgsql;

namespace WPAI.Benchmarks;

/// <summary>
/// What the grains write to PostgreSQL over a measured batch, read from the database itself: the WAL the server wrote
/// (<c>pg_current_wal_lsn</c>, the whole server: the benchmark's database is the only one busy), the state writes per
/// state name (each write adds one to its row's version, so the sum of the versions counts them), and the mean payload
/// of each state name as serialized by the silo and as stored (after PostgreSQL's compression), sampled every second
/// while the batch runs (a department's payload at the end of a batch, with nothing running, says little). The pool
/// schedulers' queue shards (<c>queue-0</c>, <c>queue-1</c>, …) count as one, <c>queue-*</c>.
/// </summary>
internal sealed class ClusterWrites : IAsyncDisposable
{
    // State names that differ only by a numeric suffix (queue shards) are one kind.
    private const string Kind = "regexp_replace(grain_type, '-[0-9]+$', '-*')";
    private const string VersionsSql = "SELECT " + Kind + ", sum(version)::bigint FROM wpai_grain_state GROUP BY 1";
    private const string PayloadsSql = "SELECT " + Kind + ", avg(octet_length(payload))::float8, avg(pg_column_size(payload))::float8 FROM wpai_grain_state WHERE payload IS NOT NULL GROUP BY 1";

    private readonly string _connection;
    private readonly long _walBefore;
    private readonly long _commitsBefore;
    private readonly Dictionary<string, long> _versionsBefore;
    private readonly Dictionary<string, (double Payload, double Stored, int Samples)> _payloads = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;

    private ClusterWrites(string connection, long walBefore, long commitsBefore, Dictionary<string, long> versionsBefore)
    {
        _connection = connection;
        _walBefore = walBefore;
        _commitsBefore = commitsBefore;
        _versionsBefore = versionsBefore;
        _sampler = Task.Run(SampleAsync);
    }

    /// <summary>Reads where the WAL and the versions stand and starts sampling the payloads.</summary>
    public static async Task<ClusterWrites> StartAsync(string connection)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        return new ClusterWrites(connection, await WalAsync(db), await CommitsAsync(db), await VersionsAsync(db));
    }

    /// <summary>Stops sampling; one line: WAL per job and, per state name, writes per job with their mean payload.</summary>
    public async Task<string> StopAsync(int jobs)
    {
        await _stop.CancelAsync();
        await _sampler;
        await using var db = new NpgsqlConnection(_connection);
        await db.OpenAsync();
        var wal = await WalAsync(db) - _walBefore;
        var versions = await VersionsAsync(db);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // a busy backend reports its transactions to pg_stat_database at most once a second
        var commits = await CommitsAsync(db) - _commitsBefore;
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"per job {wal / 1024.0 / jobs:0.00} kB of WAL, {(double)commits / jobs:0.00} transactions committed (the database's, pg_stat_database; the benchmark's own sampling about 1 a second); state writes per job (mean payload serialized / stored, bytes):"));
        var bytes = 0.0;
        foreach (var (name, version) in versions.OrderByDescending(v => v.Value - _versionsBefore.GetValueOrDefault(v.Key)))
        {
            var writes = (double)(version - _versionsBefore.GetValueOrDefault(name)) / jobs;
            if (writes < 0.005)
            {
                continue;
            }

            var (payload, stored, samples) = _payloads.GetValueOrDefault(name);
            var mean = samples == 0 ? double.NaN : payload / samples;
            bytes += writes * (samples == 0 ? 0 : mean);
            line.Append(CultureInfo.InvariantCulture, $" {name} {writes:0.00} ({mean:0} / {(samples == 0 ? double.NaN : stored / samples):0});");
        }

        line.Append(CultureInfo.InvariantCulture, $" {bytes / 1024.0:0.00} kB of payload serialized per job");
        return line.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        try
        {
            await using var db = new NpgsqlConnection(_connection);
            await db.OpenAsync(_stop.Token);
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                await using var command = new NpgsqlCommand(PayloadsSql, db);
                await using var reader = await command.ExecuteReaderAsync(_stop.Token);
                while (await reader.ReadAsync(_stop.Token))
                {
                    var (payload, stored, samples) = _payloads.GetValueOrDefault(reader.GetString(0));
                    _payloads[reader.GetString(0)] = (payload + reader.GetDouble(1), stored + reader.GetDouble(2), samples + 1);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The batch ended.
        }
    }

    private static async Task<long> WalAsync(NpgsqlConnection db)
    {
        await using var command = new NpgsqlCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint", db);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> CommitsAsync(NpgsqlConnection db)
    {
        await using var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", db);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<string, long>> VersionsAsync(NpgsqlConnection db)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(VersionsSql, db);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return versions;
    }
}
