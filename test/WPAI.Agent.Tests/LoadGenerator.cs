using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace WPAI.Agent.Tests;

/// <summary>
/// Sends ResNet18 inference requests (Triton binary tensor data: one 1×3×224×224 FP32 image, 602 KB) to an infer URL
/// from <paramref name="clients"/> concurrent loops, each bounded in count and stopped by <see cref="StopAsync"/> or
/// its time limit; loopback only. Counts successes and keeps every failure's status and text.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private const string Input = "Input247";
    private const int Elements = 3 * 224 * 224;
    private static readonly byte[] Body = BuildBody(out HeaderLength);
    private static readonly int HeaderLength;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Task[] _loops;
    private int _succeeded;

    public LoadGenerator(Uri url, int clients, int maxRequestsPerClient, TimeSpan limit)
    {
        _stop = new CancellationTokenSource(limit);
        _loops = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(() => LoopAsync(url, maxRequestsPerClient)))];
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>One request; throws with the status and body when it fails.</summary>
    public static async Task<byte[]> InferOnceAsync(HttpClient http, Uri url)
    {
        using var response = await http.SendAsync(Request(url));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {url}: {Encoding.UTF8.GetString(bytes)}");
        return bytes;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task LoopAsync(Uri url, int max)
    {
        for (var i = 0; i < max && !_stop.IsCancellationRequested; i++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await _http.SendAsync(Request(url), CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _succeeded);
                }
                else
                {
                    _failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms: {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                _failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {ex.GetType().Name} after {clock.ElapsedMilliseconds} ms: {ex.Message}");
            }
        }
    }

    private static HttpRequestMessage Request(Uri url)
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", HeaderLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
    }

    private static byte[] BuildBody(out int headerLength)
    {
        var header = Encoding.UTF8.GetBytes(
            "{\"inputs\":[{\"name\":\"" + Input + "\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":"
            + (Elements * 4).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}]}");
        headerLength = header.Length;
        var body = new byte[header.Length + (Elements * 4)];
        header.CopyTo(body, 0);
        var random = new Random(7);
        for (var i = 0; i < Elements; i++)
        {
            BitConverter.TryWriteBytes(body.AsSpan(header.Length + (i * 4)), (float)(random.NextDouble() * 255 - 128));
        }

        return body;
    }
}
