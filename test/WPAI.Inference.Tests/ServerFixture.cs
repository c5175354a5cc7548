using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WPAI.Inference.Hosting;
using WPAI.Inference.Load;

namespace WPAI.Inference.Tests;

/// <summary>One real model server on a free loopback port (Kestrel, port 0) over a repository of tiny models.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const long BodyLimit = 256 * 1024;
    private WebApplication? _app;

    public string Repository { get; } = Path.Combine(Path.GetTempPath(), "wpai-inference-tests-" + Guid.NewGuid().ToString("N"));

    public HttpClient Client { get; private set; } = null!;

    public int GrpcPort { get; private set; }

    public global::Grpc.Net.Client.GrpcChannel Channel { get; private set; } = null!;

    public WPAI.Inference.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient Grpc { get; private set; } = null!;

    /// <summary>
    /// A free loopback port for the gRPC endpoint, below the kernel's ephemeral range (<see cref="WPAI.Tests.Shared.FreePorts"/>):
    /// a port the OS picked for a probe could be handed out again as another connection's source port, or to another
    /// server's port 0, before this server binds it (one CI failure: "address already in use").
    /// </summary>
    public static int FreePort() => WPAI.Tests.Shared.FreePorts.Take(1)[0];

    /// <summary>The REST address of a started server (the one that is not the gRPC port).</summary>
    public static string RestUrl(WebApplication app, int grpcPort) => app.Urls.First(u => !u.EndsWith($":{grpcPort}", StringComparison.Ordinal));

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Repository);
        TinyModels.Write(TinyModels.Doubler(dynamicBatch: true), Repository, "doubler", """
            {"maxBatchSize": 8, "dynamicBatching": {"enabled": true, "preferredBatchSizes": [4, 8], "maxQueueDelayMicroseconds": 20000, "maxQueueSize": 64}}
            """);
        TinyModels.Write(TinyModels.Doubler(dynamicBatch: true), Repository, "doubler-direct", """{"maxBatchSize": 8, "instanceCount": 2}""");
        TinyModels.Write(TinyModels.Doubler(dynamicBatch: false), Repository, "doubler-fixed", null);
        TinyModels.Write(TinyModels.Doubler(dynamicBatch: true), Repository, "gpu-first", """{"maxBatchSize": 4, "executionProviders": ["tensorrt", "cuda", "cpu"]}""");
        TinyModels.Write(TinyModels.Types(), Repository, "types", null);
        TinyModels.Write(TinyModels.Strings(), Repository, "strings", null);
        TinyModels.Write(TinyModels.Slow(), Repository, "slow", """{"dynamicBatching": {"enabled": false, "maxQueueSize": 1}, "instanceCount": 1}""");
        var broken = Path.Combine(Repository, "broken", "1");
        Directory.CreateDirectory(broken);
        await File.WriteAllBytesAsync(Path.Combine(broken, "model.onnx"), Encoding.ASCII.GetBytes("this is not an onnx model, just text"));
        var badConfig = Path.Combine(Repository, "bad-config", "1");
        Directory.CreateDirectory(badConfig);
        TinyModels.Write(TinyModels.Doubler(true), Repository, "bad-config", """{"maxBatchSize": 8, "dynamicBatching": {"enabled": true, "maxQueueDelay": 5}}""");

        GrpcPort = FreePort();
        _app = InferenceServer.Build(["--models", Repository, "--urls", "http://127.0.0.1:0", "--grpc-urls", $"http://127.0.0.1:{GrpcPort}", "--max-body-bytes", BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(RestUrl(_app, GrpcPort)) };
        Channel = global::Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}", new global::Grpc.Net.Client.GrpcChannelOptions { MaxReceiveMessageSize = null });
        Grpc = new WPAI.Inference.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(Channel);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Channel.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(Repository, recursive: true);
    }

    public static JsonObject Request(string input, string datatype, long[] shape, JsonArray data) => new()
    {
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = input,
            ["datatype"] = datatype,
            ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
            ["data"] = data,
        }),
    };

    public async Task<(int Status, JsonNode? Body)> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<(int Status, JsonNode? Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Posts a body made of a JSON header and raw tensor bytes (Triton's binary tensor data extension).</summary>
    public async Task<BinaryResponse> PostBinaryAsync(string path, string jsonHeader, params byte[][] tensors)
    {
        var header = Encoding.UTF8.GetBytes(jsonHeader);
        var body = header.Concat(tensors.SelectMany(t => t)).ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await Client.PostAsync(path, content);
        return await BinaryResponse.ReadAsync(response);
    }

    public NoOpLoadReporter LoadReporter => (NoOpLoadReporter)Services.GetRequiredService<ILoadReporter>();
}
