using System.Text;
using System.Text.Json;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Agent.Hosting;

namespace WPAI.Agent.Runs;

/// <summary>
/// Probes the model-server replicas this agent runs, each heartbeat: <c>GET /v2/health/ready</c> and the load file the
/// server writes, joined with the CPU the agent measured for its process group. A replica not ready within
/// <see cref="AgentOptions.ReplicaReadyTimeout"/> of its start (or whose model failed to load) is stopped, with the tail
/// of its log in the reason; once it answered ready, a missed probe (a busy server) stops nothing.
/// </summary>
public sealed partial class ReplicaProber(RunSupervisor runs, IOptions<AgentOptions> options, TimeProvider clock, ILogger<ReplicaProber> logger) : IDisposable
{
    private const int TailLines = 15;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public async Task<ImmutableArray<ReplicaProbe>> ProbeAsync(CancellationToken cancellationToken)
    {
        var probes = ImmutableArray.CreateBuilder<ReplicaProbe>();
        foreach (var replica in runs.LiveReplicas())
        {
            var ready = await ReadyAsync(replica.Url, cancellationToken);
            var now = clock.GetUtcNow();
            if (ready && !replica.WasReady)
            {
                runs.MarkReady(replica.JobId, replica.Attempt);
            }

            if (!ready && !replica.WasReady && await LoadFailureAsync(replica.Url, cancellationToken) is { } failure)
            {
                // A version that failed to load stays failed (the server does not retry it): no need to wait for the timeout.
                LogNotReady(logger, replica.JobId, replica.Url, (now - replica.StartedAt).TotalSeconds);
                runs.StopReplica(replica.JobId, replica.Attempt, $"never ready: {failure}; log tail:\n{Tail(replica.LogFile)}");
                continue;
            }

            if (!ready && !replica.WasReady && now - replica.StartedAt > options.Value.ReplicaReadyTimeout)
            {
                var reason = $"not ready after {options.Value.ReplicaReadyTimeout.TotalSeconds:0}s at {replica.Url}/v2/health/ready; log tail:\n{Tail(replica.LogFile)}";
                LogNotReady(logger, replica.JobId, replica.Url, options.Value.ReplicaReadyTimeout.TotalSeconds);
                runs.StopReplica(replica.JobId, replica.Attempt, reason);
                continue;
            }

            probes.Add(new ReplicaProbe(replica.JobId, replica.Attempt, ready, Load(replica), now));
        }

        return probes.ToImmutable();
    }

    public void Dispose() => _http.Dispose();

    private async Task<bool> ReadyAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(url + "/v2/health/ready"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The versions the server reports failed to load (<c>POST /v2/repository/index</c>: UNAVAILABLE with a reason), or null.</summary>
    private async Task<string?> LoadFailureAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url + "/v2/repository/index")) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            if (options.Value.ReplicaApiKey is { Length: > 0 } key)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key); // the replica requires it beyond /v2/health
            }

            using var response = await _http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var index = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var failed = index.RootElement.EnumerateArray()
                .Where(e => e.GetProperty("state").GetString() == "UNAVAILABLE" && e.TryGetProperty("reason", out var r) && r.GetString() is { Length: > 0 } reason && reason != "unloaded")
                .Select(e => $"{e.GetProperty("name").GetString()} version {(e.TryGetProperty("version", out var v) ? v.GetString() : "?")}: {e.GetProperty("reason").GetString()}")
                .ToList();
            return failed.Count == 0 ? null : "model failed to load: " + string.Join("; ", failed);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException or KeyNotFoundException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static ReplicaLoadSample? Load(LiveReplica replica)
    {
        ModelServerLoad? load;
        try
        {
            load = File.Exists(replica.LoadFile) ? JsonSerializer.Deserialize<ModelServerLoad>(File.ReadAllText(replica.LoadFile), Json) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            load = null;
        }

        return load is null ? null : new ReplicaLoadSample(
            load.At, load.QueriesPerSecond, load.P50LatencyMs, load.P99LatencyMs, load.MeanQueueMs, load.ErrorRate,
            replica.Usage?.CpuUsedMilli ?? 0, load.GpuUtilization ?? (replica.Usage is { } u && double.IsFinite(u.GpuUtilization) ? u.GpuUtilization : null));
    }

    /// <summary>The last lines of a replica's log (for reasons people read).</summary>
    internal static string Tail(string logFile)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Position = Math.Max(0, stream.Length - 16_384);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', lines.TakeLast(TailLines));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"(log {logFile} unreadable: {ex.Message})";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} at {Url} not ready after {Seconds}s: stopping it")]
    private static partial void LogNotReady(ILogger logger, string replica, string url, double seconds);
}
