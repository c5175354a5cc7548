using Microsoft.ML.OnnxRuntime;
using WPAI.Inference.Models;

namespace WPAI.Inference.Tests;

public sealed class ModelConfigReaderTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"wpai-config-{Guid.NewGuid():N}.json");

    [Fact]
    public void Read_ParsesEveryField()
    {
        File.WriteAllText(_file, """
            {"maxBatchSize": 16, "instanceCount": 2, "intraOpThreads": 1, "executionProviders": ["cuda", "cpu"], "graphOptimizationLevel": "extended",
             "dynamicBatching": {"enabled": true, "preferredBatchSizes": [8, 4], "maxQueueDelayMicroseconds": 1500, "maxQueueSize": 10}}
            """);
        var config = ModelConfigReader.Read(_file);
        Assert.Equal(16, config.MaxBatchSize);
        Assert.Equal(2, config.InstanceCount);
        Assert.Equal(["cuda", "cpu"], config.ExecutionProviders);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_EXTENDED, config.GraphOptimizationLevel);
        Assert.True(config.DynamicBatching.Enabled);
        Assert.Equal([4, 8], config.DynamicBatching.PreferredBatchSizes);
        Assert.Equal(TimeSpan.FromMicroseconds(1500), config.DynamicBatching.MaxQueueDelay);
        Assert.Equal(10, config.DynamicBatching.MaxQueueSize);
    }

    [Theory]
    [InlineData("{\"maxBatchSize\": -1}", "'maxBatchSize' must be an integer between 0 and 65536")]
    [InlineData("{\"executionProviders\": [\"rocm\"]}", "execution provider 'rocm' is not known")]
    [InlineData("{\"dynamicBatching\": {\"enabled\": true}}", "maxBatchSize is 0")]
    [InlineData("{\"maxBatchSize\": 4, \"dynamicBatching\": {\"preferredBatchSizes\": [8]}}", "preferred batch size 8 is outside 1..maxBatchSize (4)")]
    [InlineData("{\"maxBatchSize\": 4,\n  \"instanceCount\": }", "line 2")]
    [InlineData("{\"graphOptimizationLevel\": \"max\"}", "use none, basic, extended or all")]
    public void Read_RejectsBadConfig_NamingFileReasonAndFix(string json, string expected)
    {
        File.WriteAllText(_file, json);
        var ex = Assert.Throws<ModelConfigException>(() => ModelConfigReader.Read(_file));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(_file, ex.Message, StringComparison.Ordinal);
        Assert.Contains("fix:", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_file);
}
