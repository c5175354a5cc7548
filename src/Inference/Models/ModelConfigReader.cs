using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace WPAI.Inference.Models;

/// <summary>
/// Reads <c>config.json</c>. Shape:
/// <code>{"maxBatchSize":8,"instanceCount":1,"maxInFlightRequests":0,"executionProviders":["cuda","cpu"],"graphOptimizationLevel":"all","intraOpThreads":0,
/// "dynamicBatching":{"enabled":true,"preferredBatchSizes":[4,8],"maxQueueDelayMicroseconds":2000,"maxQueueSize":256}}</code>
/// </summary>
public static class ModelConfigReader
{
    public static readonly IReadOnlyList<string> KnownProviders = ["tensorrt", "cuda", "cpu"];

    public static ModelConfig Read(string path)
    {
        if (!File.Exists(path))
        {
            return ModelConfig.Default;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ModelConfigException(path, $"invalid JSON at line {ex.LineNumber + 1}, column {ex.BytePositionInLine + 1}: {ex.Message}", "fix the JSON syntax");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelConfigException(path, "the file must hold one JSON object", "write {\"maxBatchSize\": 8, ...}");
            }

            var config = ModelConfig.Default;
            foreach (var p in root.EnumerateObject())
            {
                config = p.Name switch
                {
                    "maxBatchSize" => config with { MaxBatchSize = ReadInt(path, p, 0, 65536) },
                    "instanceCount" => config with { InstanceCount = ReadInt(path, p, 1, 64) },
                    "intraOpThreads" => config with { IntraOpThreads = ReadInt(path, p, 0, 1024) },
                    "maxInFlightRequests" => config with { MaxInFlightRequests = ReadInt(path, p, 1, 1_000_000) },
                    "executionProviders" => config with { ExecutionProviders = ReadProviders(path, p) },
                    "graphOptimizationLevel" => config with { GraphOptimizationLevel = ParseLevel(path, p.Value.GetString()) },
                    "dynamicBatching" => config with { DynamicBatching = ReadBatching(path, p.Value) },
                    _ => throw new ModelConfigException(path, $"unknown field '{p.Name}'", "use maxBatchSize, instanceCount, intraOpThreads, maxInFlightRequests, executionProviders, graphOptimizationLevel, dynamicBatching"),
                };
            }

            if (config.DynamicBatching.Enabled && config.MaxBatchSize < 1)
            {
                throw new ModelConfigException(path, "dynamicBatching.enabled is true but maxBatchSize is 0", "set maxBatchSize to the largest batch the model accepts, or disable dynamic batching");
            }

            var badPreferred = config.DynamicBatching.PreferredBatchSizes.FirstOrDefault(s => s < 1 || s > config.MaxBatchSize);
            if (badPreferred != 0)
            {
                throw new ModelConfigException(path, $"preferred batch size {badPreferred} is outside 1..maxBatchSize ({config.MaxBatchSize})", "list sizes between 1 and maxBatchSize");
            }

            return config;
        }
    }

    public static GraphOptimizationLevel ParseLevel(string source, string? level) => level?.ToLowerInvariant() switch
    {
        "none" or "disabled" => GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
        _ => throw new ModelConfigException(source, $"graph optimization level '{level}' is not known", "use none, basic, extended or all"),
    };

    private static int ReadInt(string path, JsonProperty p, int min, int max)
    {
        if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var value) || value < min || value > max)
        {
            throw new ModelConfigException(path, $"'{p.Name}' must be an integer between {min} and {max}, got {p.Value.GetRawText()}", $"set '{p.Name}' to a value in {min}..{max}");
        }

        return value;
    }

    private static string[] ReadProviders(string path, JsonProperty p)
    {
        if (p.Value.ValueKind != JsonValueKind.Array)
        {
            throw new ModelConfigException(path, "'executionProviders' must be an array of names", "write [\"cuda\", \"cpu\"]");
        }

        var names = p.Value.EnumerateArray().Select(e => e.GetString()?.ToLowerInvariant() ?? string.Empty).ToArray();
        var unknown = names.FirstOrDefault(n => !KnownProviders.Contains(n));
        if (unknown is not null)
        {
            throw new ModelConfigException(path, $"execution provider '{unknown}' is not known", "use tensorrt, cuda or cpu");
        }

        return names;
    }

    private static DynamicBatchingConfig ReadBatching(string path, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new ModelConfigException(path, "'dynamicBatching' must be an object", "write {\"enabled\": true, \"maxQueueDelayMicroseconds\": 2000}");
        }

        var batching = new DynamicBatchingConfig { Enabled = true };
        foreach (var p in e.EnumerateObject())
        {
            batching = p.Name switch
            {
                "enabled" => batching with { Enabled = p.Value.ValueKind == JsonValueKind.True },
                "preferredBatchSizes" => batching with { PreferredBatchSizes = p.Value.EnumerateArray().Select(x => x.GetInt32()).Order().ToArray() },
                "maxQueueDelayMicroseconds" => batching with { MaxQueueDelay = TimeSpan.FromMicroseconds(ReadInt(path, p, 0, 10_000_000)) },
                "maxQueueSize" => batching with { MaxQueueSize = ReadInt(path, p, 1, 1_000_000) },
                _ => throw new ModelConfigException(path, $"unknown field 'dynamicBatching.{p.Name}'", "use enabled, preferredBatchSizes, maxQueueDelayMicroseconds, maxQueueSize"),
            };
        }

        return batching;
    }
}
