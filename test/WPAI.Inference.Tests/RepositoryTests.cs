using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WPAI.Inference.Load;

namespace WPAI.Inference.Tests;

[Collection(ServerCollection.Name)]
public sealed class RepositoryTests(ServerFixture server)
{
    [Fact]
    public async Task CorruptModelFile_IsReportedNotReady_WhileOtherModelsServe()
    {
        var (status, body) = await server.GetAsync("/v2/models/broken/ready");
        Assert.Equal(503, status);
        Assert.False(body!["ready"]!.GetValue<bool>());
        Assert.Contains("could not be loaded by ONNX Runtime", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var (metadataStatus, metadata) = await server.GetAsync("/v2/models/broken");
        Assert.Equal(503, metadataStatus);
        Assert.Contains("not ready", metadata!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (inferStatus, _) = await server.PostAsync("/v2/models/doubler/infer", ServerFixture.Request("x", "FP32", [1, 4], new JsonArray(1, 2, 3, 4)).ToJsonString());
        Assert.Equal(200, inferStatus);
    }

    [Fact]
    public async Task InvalidConfig_MarksTheModelNotReady_NamingTheFileFieldAndFix()
    {
        var (status, body) = await server.GetAsync("/v2/models/bad-config/ready");
        Assert.Equal(503, status);
        var error = body!["error"]!.GetValue<string>();
        Assert.Contains("config.json", error, StringComparison.Ordinal);
        Assert.Contains("dynamicBatching.maxQueueDelay", error, StringComparison.Ordinal);
        Assert.Contains("maxQueueDelayMicroseconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GpuProviders_FallBackToCpu_WhenTheirLibrariesAreMissing()
    {
        var (status, body) = await server.GetAsync("/v2/models/gpu-first");
        Assert.Equal(200, status);
        Assert.Equal("cpu", body!["parameters"]!["execution_providers"]!.GetValue<string>());
        var (inferStatus, response) = await server.PostAsync("/v2/models/gpu-first/infer", ServerFixture.Request("x", "FP32", [1, 4], new JsonArray(1, 2, 3, 4)).ToJsonString());
        Assert.Equal(200, inferStatus);
        Assert.Equal("[2,4,6,8]", response!["outputs"]![0]!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Metrics_UseTritonNames_AndCountRequestsAndFailures()
    {
        var batching = new BatchingTests(server);
        var success = await batching.MetricAsync("nv_inference_request_success", "doubler-fixed");
        var failure = await batching.MetricAsync("nv_inference_request_failure", "doubler-fixed");
        var inferences = await batching.MetricAsync("nv_inference_count", "doubler-fixed");
        Assert.Equal(200, (await server.PostAsync("/v2/models/doubler-fixed/infer", ServerFixture.Request("x", "FP32", [1, 4], new JsonArray(1, 2, 3, 4)).ToJsonString())).Status);
        Assert.Equal(400, (await server.PostAsync("/v2/models/doubler-fixed/infer", "{\"inputs\": 5}")).Status);
        Assert.Equal(success + 1, await batching.MetricAsync("nv_inference_request_success", "doubler-fixed"));
        Assert.Equal(failure + 1, await batching.MetricAsync("nv_inference_request_failure", "doubler-fixed"));
        Assert.Equal(inferences + 1, await batching.MetricAsync("nv_inference_count", "doubler-fixed"));

        var text = await server.Client.GetStringAsync("/metrics");
        foreach (var name in new[] { "nv_inference_exec_count", "nv_inference_request_duration_us", "nv_inference_queue_duration_us", "nv_inference_compute_infer_duration_us", "nv_inference_pending_request_count" })
        {
            Assert.Contains($"# TYPE {name} ", text, StringComparison.Ordinal);
            Assert.Contains($"{name}{{model=\"doubler\",version=\"1\"}}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LoadSnapshot_ReportsRequestsLatencyAndErrors()
    {
        var collector = server.Services.GetRequiredService<LoadSnapshotCollector>();
        collector.Collect();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await server.PostAsync("/v2/models/doubler-fixed/infer", ServerFixture.Request("x", "FP32", [1, 4], new JsonArray(1, 2, 3, 4)).ToJsonString())).Status);
        }

        Assert.Equal(400, (await server.PostAsync("/v2/models/doubler-fixed/infer", "{}")).Status);
        var snapshot = collector.Collect();
        Assert.True(snapshot.Requests >= 6, $"requests {snapshot.Requests}");
        Assert.True(snapshot.Errors >= 1, $"errors {snapshot.Errors}");
        Assert.True(snapshot.P99LatencyMs > 0 && snapshot.P99LatencyMs >= snapshot.P50LatencyMs);
        Assert.True(snapshot.QueriesPerSecond > 0);
        Assert.Null(snapshot.GpuUtilization);
        Assert.IsType<NoOpLoadReporter>(server.Services.GetRequiredService<ILoadReporter>());
    }
}
