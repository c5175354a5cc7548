using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace WPAI.Inference.Tests;

[Collection(ServerCollection.Name)]
public sealed class MalformedRequestTests(ServerFixture server)
{
    public static TheoryData<string, string, int, string> BadRequests => new()
    {
        { "doubler", "{\"inputs\": [", 400, "not valid JSON" },
        { "doubler", "[1,2,3]", 400, "must be a JSON object" },
        { "doubler", "{}", 400, "no \"inputs\" array" },
        { "doubler", Body("x", "FP32", "[1,3]", "[1,2,3]"), 400, "dimension 1 must be 4" },
        { "doubler", Body("x", "FP32", "[4]", "[1,2,3,4]"), 400, "rank 1" },
        { "doubler", Body("x", "FP16", "[1,4]", "[1,2,3,4]"), 400, "expects FP32" },
        { "doubler", Body("x", "COMPLEX64", "[1,4]", "[1,2,3,4]"), 400, "not one of FP32" },
        { "doubler", Body("x", "FP32", "[1,4]", "[1,2,3]"), 400, "has 3 data elements but shape [1,4] needs 4" },
        { "doubler", Body("x", "FP32", "[1,4]", "[1,2,\"three\",4]"), 400, "data element 2" },
        { "doubler", Body("x", "FP32", "[9,4]", "[" + string.Join(",", Enumerable.Repeat("1", 36)) + "]"), 400, "maxBatchSize" },
        { "doubler", Body("z", "FP32", "[1,4]", "[1,2,3,4]"), 400, "has no input 'z'" },
        { "doubler", Body("x", "FP32", "[1,-4]", "[1,2,3,4]"), 400, "not a non-negative integer" },
        { "types", Body("in_uint8", "UINT8", "[2,3]", "[1,2,3,4,5,256]"), 400, "not a valid UINT8" },
        { "types", Body("in_bool", "BOOL", "[2,3]", "[1,0,1,0,1,0]"), 400, "not a valid BOOL" },
        { "types", Body("in_int32", "INT32", "[2,3]", "[1,2,3,4,5,6]"), 400, "needs input(s)" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Infer_Returns4xxWithAClearMessage_AndKeepsServing(string model, string body, int expectedStatus, string expectedText)
    {
        var (status, response) = await server.PostAsync($"/v2/models/{model}/infer", body);
        Assert.Equal(expectedStatus, status);
        Assert.Contains(expectedText, response!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("/v2/models/nope/infer", "unknown model 'nope'")]
    [InlineData("/v2/models/doubler/versions/7/infer", "has no version '7'")]
    public async Task Infer_Returns404_ForAnUnknownModelOrVersion(string path, string expectedText)
    {
        var (status, response) = await server.PostAsync(path, Body("x", "FP32", "[1,4]", "[1,2,3,4]"));
        Assert.Equal(404, status);
        Assert.Contains(expectedText, response!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, (await server.GetAsync("/v2/models/nope")).Status);
        Assert.Equal(404, (await server.GetAsync("/v2/models/nope/ready")).Status);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Infer_Returns413_ForABodyOverTheLimit_WithContentLength()
    {
        var body = Body("x", "FP32", "[1,4]", "[1,2,3,4]") + new string(' ', (int)ServerFixture.BodyLimit);
        var (status, response) = await server.PostAsync("/v2/models/doubler/infer", body);
        Assert.Equal(413, status);
        Assert.Contains("exceeds the limit", response!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Infer_Returns413_ForAChunkedBodyOverTheLimit()
    {
        var bytes = Encoding.UTF8.GetBytes(Body("x", "FP32", "[1,4]", "[1,2,3,4" + string.Concat(Enumerable.Repeat(",1", (int)ServerFixture.BodyLimit / 2)) + "]"));
        using var content = new ChunkedContent(bytes);
        using var response = await server.Client.PostAsync("/v2/models/doubler/infer", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("exceeds the limit", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Infer_Returns503_ForAModelThatFailedToLoad()
    {
        var (status, response) = await server.PostAsync("/v2/models/broken/infer", Body("x", "FP32", "[1,4]", "[1,2,3,4]"));
        Assert.Equal(503, status);
        Assert.Contains("not ready", response!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Infer_Returns503WithAClearMessage_WhenTheQueueIsFull()
    {
        var input = "[" + string.Join(",", Enumerable.Range(0, 2048).Select(i => (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        var body = Body("x", "FP32", "[1,2048]", input);
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => server.PostAsync("/v2/models/slow/infer", body))));
        var refused = results.Where(r => r.Status == 503).ToArray();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Contains("maxQueueSize", r.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(results, r => Assert.True(r.Status is 200 or 503, $"unexpected status {r.Status}"));
        Assert.Contains(results, r => r.Status == 200);
        Assert.Equal(200, (await server.PostAsync("/v2/models/slow/infer", body)).Status);
        await AssertStillServesAsync();
    }

    internal static string Body(string input, string datatype, string shape, string data) =>
        $"{{\"inputs\":[{{\"name\":\"{input}\",\"datatype\":\"{datatype}\",\"shape\":{shape},\"data\":{data}}}]}}";

    private async Task AssertStillServesAsync()
    {
        var (status, response) = await server.PostAsync("/v2/models/doubler/infer", Body("x", "FP32", "[1,4]", "[1,2,3,4]"));
        Assert.Equal(200, status);
        Assert.Equal("[2,4,6,8]", response!["outputs"]![0]!["data"]!.ToJsonString());
    }

    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 16384)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(16384, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
