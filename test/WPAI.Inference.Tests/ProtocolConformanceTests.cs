using System.Text.Json.Nodes;

namespace WPAI.Inference.Tests;

[Collection(ServerCollection.Name)]
public sealed class ProtocolConformanceTests(ServerFixture server)
{
    [Fact]
    public async Task HealthLive_Returns200()
    {
        var (status, body) = await server.GetAsync("/v2/health/live");
        Assert.Equal(200, status);
        Assert.True(body!["live"]!.GetValue<bool>());
    }

    [Fact]
    public async Task HealthReady_Returns503NamingTheBrokenModels_WhenStrictReadinessAndAModelFailed()
    {
        var (status, body) = await server.GetAsync("/v2/health/ready");
        Assert.Equal(503, status);
        Assert.False(body!["ready"]!.GetValue<bool>());
        Assert.Contains("broken/1", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerMetadata_NamesTheServer()
    {
        var (status, body) = await server.GetAsync("/v2");
        Assert.Equal(200, status);
        Assert.Equal("wpai-inference", body!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v2/models/doubler")]
    [InlineData("/v2/models/doubler/versions/1")]
    public async Task ModelMetadata_DescribesInputsOutputsAndBatching(string path)
    {
        var (status, body) = await server.GetAsync(path);
        Assert.Equal(200, status);
        Assert.Equal("doubler", body!["name"]!.GetValue<string>());
        Assert.Equal("1", body["versions"]![0]!.GetValue<string>());
        Assert.Equal("onnxruntime_onnx", body["platform"]!.GetValue<string>());
        var input = body["inputs"]![0]!;
        Assert.Equal("x", input["name"]!.GetValue<string>());
        Assert.Equal("FP32", input["datatype"]!.GetValue<string>());
        Assert.Equal("[-1,4]", input["shape"]!.ToJsonString());
        Assert.Equal("y", body["outputs"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(8, body["parameters"]!["max_batch_size"]!.GetValue<int>());
        Assert.True(body["parameters"]!["dynamic_batching"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("/v2/models/doubler/ready")]
    [InlineData("/v2/models/doubler/versions/1/ready")]
    [InlineData("/v2/models/types/ready")]
    public async Task ModelReady_Returns200_ForALoadedModel(string path)
    {
        var (status, body) = await server.GetAsync(path);
        Assert.Equal(200, status);
        Assert.True(body!["ready"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("/v2/models/doubler/infer")]
    [InlineData("/v2/models/doubler/versions/1/infer")]
    [InlineData("/v2/models/doubler-direct/infer")]
    public async Task Infer_ReturnsDoubledRows_WithModelNameVersionAndId(string path)
    {
        var request = ServerFixture.Request("x", "FP32", [2, 4], new JsonArray(1, 2, 3, 4, -1, -2, 0.5, 1e-3));
        request["id"] = "req-42";
        var (status, body) = await server.PostAsync(path, request.ToJsonString());
        Assert.Equal(200, status);
        Assert.Equal("req-42", body!["id"]!.GetValue<string>());
        Assert.Equal("1", body["model_version"]!.GetValue<string>());
        var output = body["outputs"]![0]!;
        Assert.Equal("y", output["name"]!.GetValue<string>());
        Assert.Equal("FP32", output["datatype"]!.GetValue<string>());
        Assert.Equal("[2,4]", output["shape"]!.ToJsonString());
        Assert.Equal(new[] { 2f, 4, 6, 8, -2, -4, 1, 2e-3f }, output["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
    }

    [Fact]
    public async Task Infer_AcceptsNestedData_AndAFixedShapeModel()
    {
        var request = ServerFixture.Request("x", "FP32", [1, 4], new JsonArray(new JsonArray(1, 2, 3, 4)));
        var (status, body) = await server.PostAsync("/v2/models/doubler-fixed/infer", request.ToJsonString());
        Assert.Equal(200, status);
        Assert.Equal("[2,4,6,8]", body!["outputs"]![0]!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Infer_EchoesEveryDatatype_FP32_FP16_INT64_INT32_UINT8_BOOL()
    {
        var inputs = new JsonArray
        {
            Input("in_fp32", "FP32", new JsonArray(1.5, -2.25, 0, 3.125, 1e6, -7)),
            Input("in_fp16", "FP16", new JsonArray(0.5, -1.5, 2, 65504, -0.25, 1024)),
            Input("in_int64", "INT64", new JsonArray(9007199254740991L, -9007199254740991L, 0, 1, -1, 42)),
            Input("in_int32", "INT32", new JsonArray(int.MaxValue, int.MinValue, 0, 1, -1, 7)),
            Input("in_uint8", "UINT8", new JsonArray(0, 1, 127, 128, 254, 255)),
            Input("in_bool", "BOOL", new JsonArray(true, false, true, true, false, false)),
        };
        var (status, body) = await server.PostAsync("/v2/models/types/infer", new JsonObject { ["inputs"] = inputs }.ToJsonString());
        Assert.Equal(200, status);
        var outputs = body!["outputs"]!.AsArray().ToDictionary(o => o!["name"]!.GetValue<string>());
        Assert.Equal(6, outputs.Count);
        foreach (var input in inputs)
        {
            var name = input!["name"]!.GetValue<string>().Replace("in_", "out_", StringComparison.Ordinal);
            Assert.Equal(input["datatype"]!.GetValue<string>(), outputs[name]!["datatype"]!.GetValue<string>());
            Assert.Equal("[2,3]", outputs[name]!["shape"]!.ToJsonString());
            Assert.Equal(input["data"]!.ToJsonString(), outputs[name]!["data"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task Infer_ReturnsOnlyTheRequestedOutputs()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(TinyModels.DataTypes.Select(t => (JsonNode)Input("in_" + t.Name, t.Name.ToUpperInvariant(), t.Name == "bool" ? new JsonArray(true, true, true, false, false, false) : new JsonArray(1, 2, 3, 4, 5, 6))).ToArray()),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "out_int32" }),
        };
        var (status, response) = await server.PostAsync("/v2/models/types/infer", body.ToJsonString());
        Assert.Equal(200, status);
        var outputs = response!["outputs"]!.AsArray();
        Assert.Single(outputs);
        Assert.Equal("out_int32", outputs[0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task RepositoryIndex_ListsEveryModelWithStateAndReason()
    {
        var (status, body) = await server.PostAsync("/v2/repository/index", "{}");
        Assert.Equal(200, status);
        var entries = body!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>());
        Assert.Equal("READY", entries["doubler"]!["state"]!.GetValue<string>());
        Assert.Equal("UNAVAILABLE", entries["broken"]!["state"]!.GetValue<string>());
        Assert.Contains("model.onnx", entries["broken"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    internal static JsonObject Input(string name, string datatype, JsonArray data) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = new JsonArray(2, 3),
        ["data"] = data,
    };
}
