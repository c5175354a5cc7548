using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace WPAI.Inference.Tests;

/// <summary>
/// Triton's binary tensor data extension byte for byte (server docs/protocol/extension_binary_data.md): the JSON
/// header of Inference-Header-Content-Length bytes, then each binary tensor's binary_data_size bytes in the order the
/// tensors appear, little-endian, BOOL one byte, BYTES a 4-byte little-endian length before each element.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BinaryTensorDataTests(ServerFixture server)
{
    [Fact]
    public async Task ServerMetadata_AdvertisesTheBinaryTensorDataExtension()
    {
        var (_, body) = await server.GetAsync("/v2");
        var extensions = body!["extensions"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray();
        Assert.Contains("binary_tensor_data", extensions);
        Assert.Contains("statistics", extensions);
        Assert.Contains("model_configuration", extensions);
        Assert.Contains("model_repository", extensions);
    }

    [Fact]
    public async Task BinaryInput_BinaryOutput_IsTheJsonHeaderThenTheRawLittleEndianBytes()
    {
        var x = Floats(1, 2, 3, 4, -1, -2, 0.5f, 1e-3f);
        var header = """{"id":"b1","inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","parameters":{"binary_data_size":32}}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}""";
        var response = await server.PostBinaryAsync("/v2/models/doubler/infer", header, x);

        Assert.Equal(200, response.Status);
        Assert.Equal("application/octet-stream", response.ContentType);
        Assert.NotNull(response.HeaderLength);
        Assert.Equal(response.HeaderLength + 32, response.ContentLength);
        Assert.Equal(response.Body.Length, response.ContentLength);
        var expectedHeader = """{"model_name":"doubler","model_version":"1","id":"b1","outputs":[{"name":"y","datatype":"FP32","shape":[2,4],"parameters":{"binary_data_size":32}}]}""";
        Assert.Equal(expectedHeader, Encoding.UTF8.GetString(response.Body, 0, response.HeaderLength!.Value));
        Assert.Equal(Floats(2, 4, 6, 8, -2, -4, 1, 2e-3f), response.Binary);
    }

    [Fact]
    public async Task BinaryInput_WithoutBinaryOutputs_AnswersPlainJson()
    {
        var header = """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""";
        var response = await server.PostBinaryAsync("/v2/models/doubler-direct/infer", header, Floats(1, 2, 3, 4));
        Assert.Equal(200, response.Status);
        Assert.Null(response.HeaderLength);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("[2,4,6,8]", response.Json!["outputs"]![0]!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task JsonInput_WithBinaryDataOutput_AnswersBinary_UnlessAnOutputSaysOtherwise()
    {
        var inputs = new JsonArray(TinyModels.DataTypes.Select(t => (JsonNode)ProtocolConformanceTests.Input("in_" + t.Name, t.Name.ToUpperInvariant(), t.Name == "bool" ? new JsonArray(true, false, true, false, false, true) : new JsonArray(1, 2, 3, 4, 5, 6))).ToArray());
        var request = new JsonObject
        {
            ["inputs"] = inputs,
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
            ["outputs"] = new JsonArray(
                new JsonObject { ["name"] = "out_int32" },
                new JsonObject { ["name"] = "out_bool" },
                new JsonObject { ["name"] = "out_fp16", ["parameters"] = new JsonObject { ["binary_data"] = false } }),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var http = await server.Client.PostAsync("/v2/models/types/infer", content);
        var response = await BinaryResponse.ReadAsync(http);

        Assert.Equal(200, response.Status);
        var outputs = response.Json!["outputs"]!.AsArray();
        Assert.Equal(24, outputs[0]!["parameters"]!["binary_data_size"]!.GetValue<int>());
        Assert.Equal(6, outputs[1]!["parameters"]!["binary_data_size"]!.GetValue<int>());
        Assert.Null(outputs[2]!["parameters"]);
        Assert.Equal("[1,2,3,4,5,6]", outputs[2]!["data"]!.ToJsonString());
        var expected = new byte[30];
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(expected.AsSpan(i * 4), i + 1);
        }

        new byte[] { 1, 0, 1, 0, 0, 1 }.CopyTo(expected, 24);
        Assert.Equal(expected, response.Binary);
    }

    [Fact]
    public async Task EveryDatatype_RoundTripsAsBinary_InTheOrderTheInputsAreGiven()
    {
        var tensors = new Dictionary<string, byte[]>
        {
            ["fp32"] = Floats(1.5f, -2.25f, 0, 3.125f, float.MaxValue, -7),
            ["fp16"] = [.. new[] { (Half)0.5, (Half)(-1.5), (Half)2, Half.MaxValue, (Half)(-0.25), (Half)1024 }.SelectMany(h => BitConverter.GetBytes(h))],
            ["int64"] = [.. new long[] { long.MaxValue, long.MinValue, 0, 1, -1, 42 }.SelectMany(BitConverter.GetBytes)],
            ["int32"] = [.. new[] { int.MaxValue, int.MinValue, 0, 1, -1, 7 }.SelectMany(BitConverter.GetBytes)],
            ["uint8"] = [0, 1, 127, 128, 254, 255],
            ["bool"] = [1, 0, 1, 1, 0, 0],
        };
        var order = tensors.Keys.Reverse().ToArray();
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(order.Select(n => (JsonNode)new JsonObject
            {
                ["name"] = "in_" + n,
                ["shape"] = new JsonArray(2, 3),
                ["datatype"] = n.ToUpperInvariant(),
                ["parameters"] = new JsonObject { ["binary_data_size"] = tensors[n].Length },
            }).ToArray()),
            ["outputs"] = new JsonArray(order.Select(n => (JsonNode)new JsonObject { ["name"] = "out_" + n, ["parameters"] = new JsonObject { ["binary_data"] = true } }).ToArray()),
        };
        var response = await server.PostBinaryAsync("/v2/models/types/infer", header.ToJsonString(), order.Select(n => tensors[n]).ToArray());
        Assert.Equal(200, response.Status);
        Assert.Equal(order.SelectMany(n => tensors[n]).ToArray(), response.Binary);
        Assert.Equal(order.Select(n => tensors[n].Length), response.Json!["outputs"]!.AsArray().Select(o => o!["parameters"]!["binary_data_size"]!.GetValue<int>()));
    }

    [Fact]
    public async Task BytesTensor_RoundTripsWithFourByteLittleEndianLengths_AsBinaryAndAsJson()
    {
        var elements = new[] { "", "a", "héllo wörld", new string('z', 300) };
        var binary = elements.SelectMany(e =>
        {
            var bytes = Encoding.UTF8.GetBytes(e);
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)bytes.Length);
            return prefix.Concat(bytes);
        }).ToArray();
        var header = """{"inputs":[{"name":"s","shape":[4],"datatype":"BYTES","parameters":{"binary_data_size":""" + binary.Length + """}}],"parameters":{"binary_data_output":true}}""";
        var response = await server.PostBinaryAsync("/v2/models/strings/infer", header, binary);
        Assert.Equal(200, response.Status);
        Assert.Equal("BYTES", response.Json!["outputs"]![0]!["datatype"]!.GetValue<string>());
        Assert.Equal(binary, response.Binary);

        var json = new JsonObject { ["inputs"] = new JsonArray(new JsonObject { ["name"] = "s", ["shape"] = new JsonArray(4), ["datatype"] = "BYTES", ["data"] = new JsonArray(elements.Select(e => (JsonNode)e).ToArray()) }) };
        var (status, body) = await server.PostAsync("/v2/models/strings/infer", json.ToJsonString());
        Assert.Equal(200, status);
        Assert.Equal(elements, body!["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    public static TheoryData<string, string, byte[], string> BadBinaryRequests => new()
    {
        { "doubler", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":12}}]}""", new byte[12], "declares binary_data_size 12 but shape [1,4] of FP32 needs 16 bytes" },
        { "doubler", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""", new byte[20], "has 20 bytes after the" },
        { "doubler", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""", new byte[10], "has 10 bytes after the" },
        { "doubler", """{"inputs":[{"name":"z","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""", new byte[16], "has no input 'z'" },
        { "doubler", """{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","parameters":{"binary_data_size":12}}]}""", new byte[12], "dimension 1 must be 4" },
        { "doubler", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"INT32","parameters":{"binary_data_size":16}}]}""", new byte[16], "expects FP32" },
        { "doubler", """{"inputs":[{"name":"x","shape":[9,4],"datatype":"FP32","parameters":{"binary_data_size":144}}]}""", new byte[144], "maxBatchSize" },
        { "doubler", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":-1}}]}""", [], "not a non-negative integer" },
        { "doubler", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16},"data":[1,2,3,4]}]}""", new byte[16], "both \"data\" and parameters.binary_data_size" },
        { "doubler", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}],"outputs":[{"name":"y","parameters":{"binary_data":"yes"}}]}""", new byte[16], "not true or false" },
        { "doubler", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}""", new byte[16], "JSON header" },
        { "nope", """{"inputs":[]}""", new byte[4], "unknown model 'nope'" },
        { "strings", """{"inputs":[{"name":"s","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":9}}]}""", [1, 0, 0, 0, 65, 9, 0, 0, 0], "declares 9 bytes but only 0 remain" },
        { "strings", """{"inputs":[{"name":"s","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":4}}]}""", [0, 0, 0, 0], "cannot hold 2 BYTES elements" },
    };

    [Theory]
    [MemberData(nameof(BadBinaryRequests))]
    public async Task BadBinaryRequest_Returns4xxNamingTheProblem_NotAJsonParseError(string model, string header, byte[] data, string expected)
    {
        var response = await server.PostBinaryAsync($"/v2/models/{model}/infer", header, data);
        Assert.InRange(response.Status, 400, 404);
        Assert.Contains(expected, response.Json!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await server.PostBinaryAsync("/v2/models/doubler/infer", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""", Floats(1, 2, 3, 4))).Status);
    }

    [Fact]
    public async Task BinaryDataSize_WithoutTheHeaderLengthHeader_Returns400NamingTheHeader()
    {
        var (status, body) = await server.PostAsync("/v2/models/doubler/infer", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""");
        Assert.Equal(400, status);
        Assert.Contains("no Inference-Header-Content-Length header", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "not the byte length of the JSON header")]
    [InlineData("100000", "but the whole body is")]
    public async Task BadHeaderLength_Returns400(string value, string expected)
    {
        using var content = new ByteArrayContent(new byte[32]);
        content.Headers.Add("Inference-Header-Content-Length", value);
        using var http = await server.Client.PostAsync("/v2/models/doubler/infer", content);
        var response = await BinaryResponse.ReadAsync(http);
        Assert.Equal(400, response.Status);
        Assert.Contains(expected, response.Json!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    internal static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
