using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using WPAI.Inference.Grpc.Protocol;
using WPAI.Inference.Hosting;

namespace WPAI.Inference.Tests;

/// <summary>The API key on REST and gRPC, and the refusal to serve a non-loopback address unauthenticated.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private readonly string _repository = Path.Combine(Path.GetTempPath(), "wpai-inference-auth-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private HttpClient _client = null!;
    private global::Grpc.Net.Client.GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_repository);
        TinyModels.Write(TinyModels.Doubler(dynamicBatch: true), _repository, "doubler", """{"maxBatchSize": 4}""");
        var grpcPort = ServerFixture.FreePort();
        _app = InferenceServer.Build(["--models", _repository, "--urls", "http://127.0.0.1:0", "--grpc-urls", $"http://127.0.0.1:{grpcPort}", "--api-key", "s3cret", "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(ServerFixture.RestUrl(_app, grpcPort)) };
        _channel = global::Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _channel.Dispose();
        await _app!.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_repository, recursive: true);
    }

    [Theory]
    [InlineData(null, null, 401)]
    [InlineData("Authorization", "Bearer wrong", 401)]
    [InlineData("Authorization", "Bearer s3cret", 200)]
    [InlineData("X-Api-Key", "s3cret", 200)]
    public async Task Rest_RequiresTheKey(string? header, string? value, int expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/models/doubler");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await _client.SendAsync(request);
        Assert.Equal(expected, (int)response.StatusCode);
        if (expected == 401)
        {
            Assert.Contains("requires an API key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HealthProbes_NeedNoKey()
    {
        Assert.Equal(200, (int)(await _client.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(200, (int)(await _client.GetAsync("/v2/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Grpc_RequiresTheKey_AsMetadata()
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.ServerMetadataAsync(new ServerMetadataRequest()));
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        var metadata = await client.ServerMetadataAsync(new ServerMetadataRequest(), new Metadata { { "authorization", "Bearer s3cret" } });
        Assert.Equal("wpai-inference", metadata.Name);
    }

    [Fact]
    public void NonLoopbackAddress_WithoutAuthentication_IsRefused_UnlessInsecure()
    {
        var ex = Assert.Throws<InferenceStartupException>(() => InferenceServer.Build(["--models", _repository, "--urls", "http://0.0.0.0:0"]));
        Assert.Contains("--api-key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--insecure", ex.Message, StringComparison.Ordinal);
        var grpc = Assert.Throws<InferenceStartupException>(() => InferenceServer.Build(["--models", _repository, "--urls", "http://127.0.0.1:0", "--grpc-urls", "http://0.0.0.0:0"]));
        Assert.Contains("http://0.0.0.0:0", grpc.Message, StringComparison.Ordinal);

        // Built, not started: nothing binds the wildcard address.
        var insecure = InferenceServer.Build(["--models", _repository, "--urls", "http://0.0.0.0:0", "--insecure"]);
        var keyed = InferenceServer.Build(["--models", _repository, "--urls", "http://0.0.0.0:0", "--api-key", "k"]);
        Assert.NotNull(insecure);
        Assert.NotNull(keyed);
    }
}
