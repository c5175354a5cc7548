using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WPAI.Inference.Hosting;

namespace WPAI.Inference.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceBoundsCollection
{
    public const string Name = "resource bounds (alone: measures the process's allocations)";
}

/// <summary>
/// Memory per request bounded by its declared sizes, checked before buffering; concurrency beyond the limit refused
/// with 503 and Retry-After. Runs alone so the process-wide allocation counter sees this server's work only.
/// </summary>
[Collection(ResourceBoundsCollection.Name)]
public sealed class ResourceBoundsTests : IAsyncLifetime
{
    private const int Floats = 8 * 1024 * 1024;

    /// <summary>The slow model's one row, as JSON data.</summary>
    private static readonly string SlowInput = "[" + string.Join(",", Enumerable.Repeat("1", 2048)) + "]";
    private readonly string _repository = Path.Combine(Path.GetTempPath(), "wpai-inference-bounds-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_repository);
        TinyModels.Write(TinyModels.ShapeOf(), _repository, "shape", """{"maxBatchSize": 4, "maxInFlightRequests": 2}""");
        TinyModels.Write(TinyModels.Slow(), _repository, "slow", """{"dynamicBatching": {"enabled": false, "maxQueueSize": 1}, "maxInFlightRequests": 2}""");
        _app = InferenceServer.Build(["--models", _repository, "--urls", "http://127.0.0.1:0", "--max-body-bytes", (64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        // The client waits for the server's answer to Expect: 100-continue for up to 30 s (the default is 1 s): on a loaded
        // machine a 413 later than that found the body already being sent, and the server's close broke the upload.
        _client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) }) { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app!.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_repository, recursive: true);
    }

    [Fact]
    public async Task LargeBinaryRequest_AllocatesAboutItsDeclaredSize_NotMultiplesOfTheBody()
    {
        var body = Binary(Floats, Floats * 4);
        await SendAsync(body); // warm-up: JIT, pools
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var (status, _) = await SendAsync(body);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(200, status);
        const long declared = Floats * 4L;
        Assert.True(allocated < declared + (8 << 20), $"one request of {declared} declared bytes allocated {allocated} bytes");
    }

    [Fact]
    public async Task DeclaredSizesBeyondTheBody_AreRefusedBeforeAnyTensorIsAllocated()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var (status, error) = await SendAsync(Binary(400_000_000, 1024));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(400, status);
        Assert.Contains("declare 1600000000 bytes of binary_data_size", error, StringComparison.Ordinal);
        Assert.True(allocated < 4 << 20, $"a refused request allocated {allocated} bytes");
    }

    [Fact]
    public async Task BodyOverTheLimit_IsRefusedWith413_FromContentLength()
    {
        // Expect: 100-continue: the client sends the body only if the server reads it, so the 413 must come from Content-Length alone.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/shape/infer") { Content = new ByteArrayContent(new byte[(64 << 20) + 1]) };
        request.Headers.ExpectContinue = true;
        using var response = await _client.SendAsync(request);
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains("exceeds the limit of 67108864 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrencyBeyondTheInFlightLimit_Gets503WithRetryAfter()
    {
        var body = MalformedRequestTests.Body("x", "FP32", "[1,2048]", SlowInput);
        // Bursts of 32 concurrent requests until one overlaps past the limit of 2 (on a fast, idle machine a burst may be
        // served almost one after another); at most 5 bursts, and every refusal of every burst is checked below.
        var responses = new List<(int Status, TimeSpan? Delta, string Body)>();
        for (var burst = 0; burst < 5 && !responses.Any(r => r.Item1 == 503); burst++)
        {
            responses.AddRange(await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await _client.PostAsync("/v2/models/slow/infer", content);
                return ((int)response.StatusCode, response.Headers.RetryAfter?.Delta, await response.Content.ReadAsStringAsync());
            }))));
        }

        Assert.Contains(responses, r => r.Item1 == 200);
        var refused = responses.Where(r => r.Item1 == 503).ToArray();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Delta));
        Assert.All(refused, r => Assert.Contains("requests in flight", JsonNode.Parse(r.Item3)!["error"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task CallersAtTheInFlightLimit_EachSendingAsItsLastBinaryAnswerArrives_AreNeverRefused()
    {
        // Two callers (the limit) in closed loops, binary answers (they carry a Content-Length, so a caller has its whole
        // answer before the server's handler has returned): a request already answered must not count as in flight.
        var body = $$$"""{"inputs":[{"name":"x","shape":[1,2048],"datatype":"FP32","data":{{{SlowInput}}}}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}""";
        var refusals = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var refused = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await _client.PostAsync("/v2/models/slow/infer", content);
                var answer = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    refused.Add($"{(int)response.StatusCode} {Encoding.UTF8.GetString(answer)}");
                }
                else
                {
                    Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
                    Assert.Equal(answer.Length, response.Content.Headers.ContentLength);
                }
            }

            return refused;
        })));

        Assert.Empty(refusals.SelectMany(r => r));
    }

    [Fact]
    public void AnAnsweredRequest_NoLongerCountsInFlight_WhileItsLeaseStillHoldsTheVersion()
    {
        var repository = _app!.Services.GetRequiredService<WPAI.Inference.Models.ModelRepository>();
        using var first = repository.Acquire("slow", null, out _)!;
        using var second = repository.Acquire("slow", null, out _)!;
        Assert.Null(repository.Acquire("slow", null, out var refusal));
        Assert.Contains("already has 2 requests in flight", refusal!.Message, StringComparison.Ordinal);

        first.Answered();
        first.Answered(); // once per lease, however often it is said
        Assert.Equal(1, first.Version.InFlight);
        using var third = repository.Acquire("slow", null, out refusal);
        Assert.NotNull(third);
        Assert.Null(repository.Acquire("slow", null, out _));

        first.Dispose(); // answered already: disposing frees no second place
        Assert.Null(repository.Acquire("slow", null, out _));
        Assert.True(first.Version.IsReady);
    }

    private static byte[] Binary(long width, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes($$$"""{"inputs":[{"name":"x","shape":[1,{{{width}}}],"datatype":"FP32","parameters":{"binary_data_size":{{{width * 4}}}}}]}""");
        var body = new byte[header.Length + dataBytes];
        header.CopyTo(body, 0);
        return body;
    }

    private async Task<(int Status, string Body)> SendAsync(byte[] body)
    {
        var headerLength = Array.IndexOf(body, (byte)'}', Array.LastIndexOf(body, (byte)']')) + 1;
        using var content = new ByteArrayContent(body);
        content.Headers.Add("Inference-Header-Content-Length", headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _client.PostAsync("/v2/models/shape/infer", content);
        return ((int)response.StatusCode, response.StatusCode == System.Net.HttpStatusCode.OK ? string.Empty : await response.Content.ReadAsStringAsync());
    }
}
