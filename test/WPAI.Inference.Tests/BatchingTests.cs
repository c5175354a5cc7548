using System.Globalization;
using System.Text.Json.Nodes;

namespace WPAI.Inference.Tests;

[Collection(ServerCollection.Name)]
public sealed class BatchingTests(ServerFixture server)
{
    /// <summary>
    /// Property: for any set of concurrent callers, each sending 1..4 rows of its own distinct values, every caller gets
    /// back exactly 2× its own rows, in its own order, never another caller's. Seeds are fixed so a failure reproduces.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task ConcurrentCallers_EachGetTheirOwnRows(int seed)
    {
        var random = new Random(seed);
        var callers = random.Next(2, 24);
        var requests = Enumerable.Range(0, callers).Select(c =>
        {
            var rows = random.Next(1, 5);
            var values = Enumerable.Range(0, rows * 4).Select(i => (float)((seed * 100_000) + (c * 100) + i + random.Next(0, 2) * 0.5)).ToArray();
            return (Rows: rows, Values: values);
        }).ToArray();
        var model = random.Next(2) == 0 ? "doubler" : "doubler-direct";

        var responses = await Task.WhenAll(requests.Select(r => Task.Run(async () =>
        {
            var body = ServerFixture.Request("x", "FP32", [r.Rows, 4], new JsonArray(r.Values.Select(v => (JsonNode)v).ToArray()));
            return await server.PostAsync($"/v2/models/{model}/infer", body.ToJsonString());
        })));

        for (var c = 0; c < callers; c++)
        {
            var (status, body) = responses[c];
            Assert.True(status == 200, $"seed {seed}, caller {c}: status {status} {body?.ToJsonString()}");
            var output = body!["outputs"]![0]!;
            Assert.Equal($"[{requests[c].Rows},4]", output["shape"]!.ToJsonString());
            var expected = requests[c].Values.Select(v => v * 2).ToArray();
            var actual = output["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
            Assert.True(expected.SequenceEqual(actual), $"seed {seed}, caller {c} on {model}: expected {string.Join(",", expected)} got {string.Join(",", actual)}");
        }
    }

    [Fact]
    public async Task DynamicBatching_RunsFewerBatchesThanRequests_UnderConcurrentLoad()
    {
        var before = await MetricAsync("nv_inference_exec_count", "doubler");
        var beforeRequests = await MetricAsync("nv_inference_request_success", "doubler");
        var body = ServerFixture.Request("x", "FP32", [1, 4], new JsonArray(1, 2, 3, 4)).ToJsonString();
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => server.PostAsync("/v2/models/doubler/infer", body))));
        Assert.All(results, r => Assert.Equal(200, r.Status));
        var executions = await MetricAsync("nv_inference_exec_count", "doubler") - before;
        var requests = await MetricAsync("nv_inference_request_success", "doubler") - beforeRequests;
        Assert.Equal(32, requests);
        Assert.True(executions < requests, $"{executions} executions for {requests} requests: no batching happened");
    }

    internal async Task<long> MetricAsync(string name, string model)
    {
        var text = await server.Client.GetStringAsync("/metrics");
        var prefix = $"{name}{{model=\"{model}\",version=\"1\"}} ";
        var line = text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return long.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}
