using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using WPAI.Inference.Hosting;

namespace WPAI.Inference.Tests;

/// <summary>Explicit model control: load, unload, reload with a new version dropped into the repository, on a server of its own.</summary>
public sealed class RepositoryControlTests : IAsyncLifetime
{
    private readonly string _repository = Path.Combine(Path.GetTempPath(), "wpai-inference-control-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private HttpClient _client = null!;
    private global::Grpc.Net.Client.GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_repository);
        TinyModels.Write(TinyModels.Doubler(dynamicBatch: true), _repository, "doubler", """{"maxBatchSize": 4}""");
        TinyModels.Write(TinyModels.Types(), _repository, "types", null);
        var grpcPort = ServerFixture.FreePort();
        _app = InferenceServer.Build(["--models", _repository, "--urls", "http://127.0.0.1:0", "--grpc-urls", $"http://127.0.0.1:{grpcPort}", "--model-control-mode", "explicit", "--Logging:LogLevel:Default", "Warning"]);
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

    [Fact]
    public async Task Unload_RefusesInference_ShowsUnloadedInTheIndex_AndLoadBringsItBack()
    {
        Assert.Equal(200, (await PostAsync("/v2/repository/models/doubler/unload", "")).Status);
        var (status, body) = await PostAsync("/v2/models/doubler/infer", Doubling(1));
        Assert.Equal(404, status);
        Assert.Contains("is not loaded; load it with POST /v2/repository/models/doubler/load", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, (await GetAsync("/v2/models/doubler/ready")).Status);
        var index = await IndexAsync();
        Assert.Equal("UNAVAILABLE", index["doubler"].Single()["state"]!.GetValue<string>());
        Assert.Equal("unloaded", index["doubler"].Single()["reason"]!.GetValue<string>());
        Assert.Equal("READY", index["types"].Single()["state"]!.GetValue<string>());

        Assert.Equal(200, (await PostAsync("/v2/repository/models/doubler/load", "{}")).Status);
        Assert.Equal(200, (await PostAsync("/v2/models/doubler/infer", Doubling(1))).Status);
        Assert.Equal("READY", (await IndexAsync())["doubler"].Single()["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Load_PicksUpANewVersionDroppedIntoTheRepository_WithoutARestart()
    {
        var dir = Path.Combine(_repository, "types", "2");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(_repository, "types", "1", "model.onnx"), Path.Combine(dir, "model.onnx"));
        Assert.Equal(404, (await GetAsync("/v2/models/types/versions/2/ready")).Status);

        Assert.Equal(200, (await PostAsync("/v2/repository/models/types/load", "")).Status);
        Assert.Equal(200, (await GetAsync("/v2/models/types/versions/2/ready")).Status);
        var (_, metadata) = await GetAsync("/v2/models/types");
        Assert.Equal("[\"1\",\"2\"]", metadata!["versions"]!.ToJsonString());
        Assert.Equal(["1", "2"], (await IndexAsync())["types"].Select(e => e["version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Load_OfAModelThatIsNotInTheRepository_Returns404NamingTheModels()
    {
        var (status, body) = await PostAsync("/v2/repository/models/ghost/load", "");
        Assert.Equal(404, status);
        Assert.Contains("failed to load 'ghost'", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("doubler", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_OfABrokenModel_Returns400WithTheReason_AndTheIndexKeepsIt()
    {
        var dir = Path.Combine(_repository, "corrupt", "1");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "model.onnx"), "not a model");
        var (status, body) = await PostAsync("/v2/repository/models/corrupt/load", "");
        Assert.Equal(400, status);
        Assert.Contains("could not be loaded by ONNX Runtime", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("UNAVAILABLE", (await IndexAsync())["corrupt"].Single()["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unload_WhileRequestsRun_LetsThemFinish()
    {
        var running = Enumerable.Range(0, 8).Select(_ => PostAsync("/v2/models/doubler/infer", Doubling(4))).ToArray();
        Assert.Equal(200, (await PostAsync("/v2/repository/models/doubler/unload", "")).Status);
        var statuses = (await Task.WhenAll(running)).Select(r => r.Status).ToArray();
        Assert.All(statuses, s => Assert.True(s is 200 or 404, $"status {s}"));
        Assert.Equal(200, (await PostAsync("/v2/repository/models/doubler/load", "")).Status);
    }

    [Fact]
    public async Task GrpcUnloadAndLoad_ChangeTheIndexLikeRest()
    {
        var grpc = new WPAI.Inference.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        await grpc.RepositoryModelUnloadAsync(new WPAI.Inference.Grpc.Protocol.RepositoryModelUnloadRequest { ModelName = "types" });
        var index = await grpc.RepositoryIndexAsync(new WPAI.Inference.Grpc.Protocol.RepositoryIndexRequest());
        Assert.Contains(index.Models, m => m.Name == "types" && m.State == "UNAVAILABLE" && m.Reason == "unloaded");
        var ex = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await grpc.ModelReadyAsync(new WPAI.Inference.Grpc.Protocol.ModelReadyRequest { Name = "types" }));
        Assert.Equal(global::Grpc.Core.StatusCode.NotFound, ex.StatusCode);
        await grpc.RepositoryModelLoadAsync(new WPAI.Inference.Grpc.Protocol.RepositoryModelLoadRequest { ModelName = "types" });
        Assert.True((await grpc.ModelReadyAsync(new WPAI.Inference.Grpc.Protocol.ModelReadyRequest { Name = "types" })).Ready);
    }

    private static string Doubling(int rows) => ServerFixture.Request("x", "FP32", [rows, 4], new JsonArray(Enumerable.Range(0, rows * 4).Select(i => (JsonNode)i).ToArray())).ToJsonString();

    private async Task<Dictionary<string, List<JsonNode>>> IndexAsync()
    {
        var (status, body) = await PostAsync("/v2/repository/index", "{}");
        Assert.Equal(200, status);
        return body!.AsArray().GroupBy(e => e!["name"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Select(e => e!).ToList());
    }

    private async Task<(int Status, JsonNode? Body)> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<(int Status, JsonNode? Body)> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
