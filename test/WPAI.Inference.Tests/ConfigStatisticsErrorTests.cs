using System.Text.Json.Nodes;

namespace WPAI.Inference.Tests;

/// <summary>Model configuration and statistics in Triton's JSON shapes, and every error as <c>{"error": ...}</c>.</summary>
[Collection(ServerCollection.Name)]
public sealed class ConfigStatisticsErrorTests(ServerFixture server)
{
    [Theory]
    [InlineData("/v2/models/doubler/config")]
    [InlineData("/v2/models/doubler/versions/1/config")]
    public async Task Config_HasTritonsShape_WithoutTheBatchDimension(string path)
    {
        var (status, body) = await server.GetAsync(path);
        Assert.Equal(200, status);
        Assert.Equal("doubler", body!["name"]!.GetValue<string>());
        Assert.Equal("onnxruntime_onnx", body["platform"]!.GetValue<string>());
        Assert.Equal("onnxruntime", body["backend"]!.GetValue<string>());
        Assert.Equal(8, body["max_batch_size"]!.GetValue<int>());
        Assert.Equal("""[{"name":"x","data_type":"TYPE_FP32","dims":[4]}]""", body["input"]!.ToJsonString());
        Assert.Equal("""[{"name":"y","data_type":"TYPE_FP32","dims":[4]}]""", body["output"]!.ToJsonString());
        Assert.Equal("KIND_CPU", body["instance_group"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(1, body["instance_group"]![0]!["count"]!.GetValue<int>());
        Assert.Equal("[4,8]", body["dynamic_batching"]!["preferred_batch_size"]!.ToJsonString());
        Assert.Equal(20000, body["dynamic_batching"]!["max_queue_delay_microseconds"]!.GetValue<int>());
        Assert.Equal(64, body["dynamic_batching"]!["default_queue_policy"]!["max_queue_size"]!.GetValue<int>());
    }

    [Fact]
    public async Task Config_OfANonBatchingModel_KeepsEveryDimension_AndHasNoDynamicBatching()
    {
        var (status, body) = await server.GetAsync("/v2/models/types/config");
        Assert.Equal(200, status);
        Assert.Equal(0, body!["max_batch_size"]!.GetValue<int>());
        Assert.Null(body["dynamic_batching"]);
        var inputs = body["input"]!.AsArray().ToDictionary(i => i!["name"]!.GetValue<string>());
        Assert.Equal("[2,3]", inputs["in_bool"]!["dims"]!.ToJsonString());
        Assert.Equal("TYPE_BOOL", inputs["in_bool"]!["data_type"]!.GetValue<string>());
        Assert.Equal("TYPE_FP16", inputs["in_fp16"]!["data_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Statistics_CountRequestsExecutionsAndDurations_WithTritonsFields()
    {
        var before = await StatsAsync("/v2/models/doubler-direct/versions/1/stats");
        var request = ServerFixture.Request("x", "FP32", [3, 4], new JsonArray(Enumerable.Range(0, 12).Select(i => (JsonNode)i).ToArray()));
        Assert.Equal(200, (await server.PostAsync("/v2/models/doubler-direct/infer", request.ToJsonString())).Status);
        Assert.Equal(400, (await server.PostAsync("/v2/models/doubler-direct/infer", "{\"inputs\": 1}")).Status);
        var after = await StatsAsync("/v2/models/doubler-direct/stats");

        Assert.Equal("doubler-direct", after["name"]!.GetValue<string>());
        Assert.Equal("1", after["version"]!.GetValue<string>());
        Assert.Equal(Long(before, "inference_count") + 3, Long(after, "inference_count"));
        Assert.Equal(Long(before, "execution_count") + 1, Long(after, "execution_count"));
        foreach (var (field, added) in new[] { ("success", 1), ("fail", 1), ("queue", 1), ("compute_input", 1), ("compute_infer", 1), ("compute_output", 1) })
        {
            Assert.Equal(Long(before["inference_stats"]![field]!, "count") + added, Long(after["inference_stats"]![field]!, "count"));
            Assert.True(Long(after["inference_stats"]![field]!, "ns") > Long(before["inference_stats"]![field]!, "ns"), field);
        }

        Assert.True(Long(after, "last_inference") > 1_600_000_000_000);
        Assert.Contains(after["batch_stats"]!.AsArray(), b => b!["batch_size"]!.GetValue<int>() == 3 && Long(b["compute_infer"]!, "count") >= 1);
    }

    [Fact]
    public async Task Statistics_OfAllModels_IsRoutedToTheStatisticsEndpoint_NotToAModelNamedStats()
    {
        var (status, body) = await server.GetAsync("/v2/models/stats");
        Assert.Equal(200, status);
        var names = body!["model_stats"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).ToArray();
        Assert.Contains("doubler", names);
        Assert.Contains("types", names);
        Assert.DoesNotContain("broken", names);
    }

    [Theory]
    [InlineData("/v2/models/nope/stats", 404, "unknown model 'nope'")]
    [InlineData("/v2/models/doubler/versions/7/stats", 404, "has no version '7'")]
    [InlineData("/v2/models/nope/config", 404, "unknown model 'nope'")]
    [InlineData("/v2/models/broken/config", 503, "not ready")]
    [InlineData("/v2/nothing/here", 404, "no endpoint answers GET /v2/nothing/here")]
    [InlineData("/v2/models/doubler/infer", 405, "method not allowed")]
    public async Task Errors_AreJsonObjectsWithAnErrorString(string path, int expectedStatus, string expected)
    {
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(expected, body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonFiniteOutput_IsA500NamingTheOutput_InJson_AndRawBytesInBinary()
    {
        var overflow = ServerFixture.Request("x", "FP32", [1, 4], new JsonArray(1, 3e38, -3e38, 2));
        var (status, body) = await server.PostAsync("/v2/models/doubler/infer", overflow.ToJsonString());
        Assert.Equal(500, status);
        var error = body!["error"]!.GetValue<string>();
        Assert.Contains("output 'y'", error, StringComparison.Ordinal);
        Assert.Contains("binary_data", error, StringComparison.Ordinal);

        overflow["outputs"] = new JsonArray(new JsonObject { ["name"] = "y", ["parameters"] = new JsonObject { ["binary_data"] = true } });
        using var content = new StringContent(overflow.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var http = await server.Client.PostAsync("/v2/models/doubler/infer", content);
        var response = await BinaryResponse.ReadAsync(http);
        Assert.Equal(200, response.Status);
        Assert.Equal(BinaryTensorDataTests.Floats(2, float.PositiveInfinity, float.NegativeInfinity, 4), response.Binary);
    }

    [Fact]
    public async Task LoadAndUnload_AreRefused_WithoutExplicitModelControl()
    {
        var (status, body) = await server.PostAsync("/v2/repository/models/doubler/unload", "");
        Assert.Equal(400, status);
        Assert.Contains("--model-control-mode explicit", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await server.GetAsync("/v2/models/doubler/ready")).Status);
    }

    private async Task<JsonNode> StatsAsync(string path)
    {
        var (status, body) = await server.GetAsync(path);
        Assert.Equal(200, status);
        return body!["model_stats"]!.AsArray().Single()!;
    }

    private static long Long(JsonNode node, string field) => node[field]!.GetValue<long>();
}
