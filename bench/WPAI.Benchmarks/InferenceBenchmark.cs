using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using WPAI.Inference.Hosting;
using WPAI.Inference.Models;
using WPAI.Inference.Tools;

namespace WPAI.Benchmarks;

/// <summary>
/// ResNet18 on CPU: FP32 without graph optimization (the baseline), FP32 optimized, FP16 and INT8 at batch 1 and 8,
/// then the HTTP server under 16 concurrent clients with dynamic batching on and off. Ratios are against fp32-noopt
/// measured in the same run. Writes bench-results/inference.json.
/// </summary>
internal static class InferenceBenchmark
{
    private const int Clients = 16;

    public static async Task<int> RunAsync(bool quick)
    {
        var work = Path.Combine(Path.GetTempPath(), "wpai-inference-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        try
        {
            return await RunInAsync(work, quick);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> RunInAsync(string work, bool quick)
    {
        Console.WriteLine($"inference benchmark ({(quick ? "quick" : "full")}): ResNet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1) on CPU, {Environment.ProcessorCount} cores, ONNX Runtime {OrtEnv.Instance().GetVersionString()}");
        var original = ResNet18Model.Locate();
        var dynamic = Path.Combine(work, "resnet18.dynamic.onnx");
        var fp16 = Path.Combine(work, "resnet18.fp16.onnx");
        var int8 = Path.Combine(work, "resnet18.int8.onnx");
        var calibration = Path.Combine(work, "calibration");
        var calibrationCount = quick ? 16 : 32;
        SyntheticImages.WriteCalibrationFolder(calibration, calibrationCount, firstSeed: 1000);
        var log = new StringWriter();
        var sw = Stopwatch.StartNew();
        Require(await ModelTool.RunAsync(["batch", original, "--dynamic", "--output", dynamic], log), log);
        Require(await ModelTool.RunAsync(["fp16", dynamic, "--output", fp16], log), log);
        Require(await ModelTool.RunAsync(["int8", dynamic, "--calibration", calibration, "--output", int8], log), log);
        Console.Write(log.ToString());
        Console.WriteLine($"model tools: {sw.Elapsed.TotalSeconds:F1} s (INT8 calibrated on {calibrationCount} synthetic pictures, seeds 1000+; evaluated on other seeds)");

        var evaluation = Enumerable.Range(5000, quick ? 4 : 8).Select(s => SyntheticImages.Create(s)).ToArray();
        var variants = new (string Name, string File, GraphOptimizationLevel Level)[]
        {
            ("fp32-noopt", dynamic, GraphOptimizationLevel.ORT_DISABLE_ALL),
            ("fp32-opt", dynamic, GraphOptimizationLevel.ORT_ENABLE_ALL),
            ("fp16", fp16, GraphOptimizationLevel.ORT_ENABLE_ALL),
            ("int8", int8, GraphOptimizationLevel.ORT_ENABLE_ALL),
        };
        float[][]? reference = null;
        var batch1 = new List<Result>();
        var batch8 = new List<Result>();
        foreach (var (name, file, level) in variants)
        {
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = level };
            using var session = new InferenceSession(file, options);
            var outputs = evaluation.Select(x => Run(session, x, 1)).ToArray();
            reference ??= outputs;
            var cosine = outputs.Zip(reference).Min(p => Similarity.Cosine(p.First, p.Second));
            batch1.Add(Measure(name, session, evaluation, 1, quick ? 12 : 60, cosine));
            batch8.Add(Measure(name, session, evaluation, 8, quick ? 3 : 12, cosine));
        }

        // The server with the INT8 model under 16 concurrent clients: JSON, binary tensor data over HTTP and gRPC, each
        // with and without dynamic batching. A discarded warm-up round (JIT, first sessions), then two rounds of each
        // variant, the second pass in reverse order, so neither warm-up nor a drift in machine load favours one variant.
        var server = new List<Result>();
        await MeasureServerAsync(work, "server-warmup", int8, Wire.Json, batching: true, 1, evaluation[0], reference![0]);
        var serverVariants = new[] { Wire.Json, Wire.Binary, Wire.Grpc }.SelectMany(w => new[] { (w, false), (w, true) }).ToArray();
        var rounds = new List<(string Name, ServerRun Run)>();
        foreach (var (wire, batching) in serverVariants.Concat(serverVariants.Reverse()))
        {
            var variant = $"{wire.ToString().ToLowerInvariant()}-{(batching ? "batching" : "nobatching")}";
            rounds.Add((variant, await MeasureServerAsync(work, $"{variant}-{rounds.Count}", int8, wire, batching, quick ? 3 : 8, evaluation[0], reference[0])));
        }

        foreach (var group in rounds.GroupBy(r => r.Name))
        {
            var latencies = group.SelectMany(g => g.Run.Latencies).ToList();
            server.Add(new Result(group.Key, latencies.Count / group.Sum(g => g.Run.Seconds), Percentile(latencies, 0.5), Percentile(latencies, 0.99), group.Min(g => g.Run.Cosine)));
        }

        Print("ResNet18 CPU, batch 1 (one image per run)", batch1, batch1[0]);
        Print("ResNet18 CPU, batch 8 (eight images per run)", batch8, batch8[0]);
        Print($"Model server, INT8 model, {Clients} concurrent clients, one image per request (json: KServe v2 JSON; binary: Triton's binary tensor data; grpc: raw_input_contents)", server, server[0]);
        double Speed(string variant) => server.Single(r => r.Variant == variant).Throughput;
        Console.WriteLine($"binary vs json: {Speed("binary-nobatching") / Speed("json-nobatching"):F2}x, grpc vs json: {Speed("grpc-nobatching") / Speed("json-nobatching"):F2}x (target 3x); dynamic batching vs none: json {Speed("json-batching") / Speed("json-nobatching"):F2}x, binary {Speed("binary-batching") / Speed("binary-nobatching"):F2}x, grpc {Speed("grpc-batching") / Speed("grpc-nobatching"):F2}x (target >= 1x)");
        var int8Ratio = batch1.Single(r => r.Variant == "int8").Throughput / batch1[0].Throughput;
        Console.WriteLine($"INT8 vs FP32-unoptimized throughput: {int8Ratio:F2}x at batch 1, {batch8.Single(r => r.Variant == "int8").Throughput / batch8[0].Throughput:F2}x at batch 8 (target 3x)");

        var results = Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
        Directory.CreateDirectory(results);
        var json = new JsonObject
        {
            ["variants"] = ToJson(batch1.Concat(server)),
            ["batch8"] = ToJson(batch8),
            ["quick"] = quick,
            ["cores"] = Environment.ProcessorCount,
        };
        var path = Path.Combine(results, "inference.json");
        await File.WriteAllTextAsync(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static Result Measure(string name, InferenceSession session, float[][] images, int batch, int iterations, double cosine)
    {
        var input = new float[batch * images[0].Length];
        for (var b = 0; b < batch; b++)
        {
            images[b % images.Length].CopyTo(input, b * images[0].Length);
        }

        using var value = OrtValue.CreateTensorValueFromMemory(input, [batch, 3, 224, 224]);
        using var runOptions = new RunOptions();
        for (var i = 0; i < 2; i++)
        {
            using var warm = session.Run(runOptions, [ResNet18Model.InputName], [value], [ResNet18Model.OutputName]);
        }

        var latencies = new List<double>();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var results = session.Run(runOptions, [ResNet18Model.InputName], [value], [ResNet18Model.OutputName]);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return new Result(name, batch * iterations / total.Elapsed.TotalSeconds, Percentile(latencies, 0.5), Percentile(latencies, 0.99), cosine);
    }

    private static async Task<ServerRun> MeasureServerAsync(string work, string name, string model, Wire wire, bool batching, int requestsPerClient, float[] image, float[] reference)
    {
        var repository = Path.Combine(work, "repository-" + name);
        Directory.CreateDirectory(Path.Combine(repository, "resnet18", "1"));
        File.Copy(model, Path.Combine(repository, "resnet18", "1", "model.onnx"));
        await File.WriteAllTextAsync(Path.Combine(repository, "resnet18", "config.json"), batching
            ? """{"maxBatchSize": 8, "instanceCount": 1, "graphOptimizationLevel": "all", "dynamicBatching": {"enabled": true, "preferredBatchSizes": [8], "maxQueueDelayMicroseconds": 5000, "maxQueueSize": 256}}"""
            : """{"maxBatchSize": 8, "instanceCount": 1, "graphOptimizationLevel": "all", "dynamicBatching": {"enabled": false, "maxQueueSize": 256}}""");
        using var portProbe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        portProbe.Start();
        var grpcPort = ((System.Net.IPEndPoint)portProbe.LocalEndpoint).Port;
        portProbe.Stop();
        await using var app = InferenceServer.Build(["--models", repository, "--urls", "http://127.0.0.1:0", "--grpc-urls", $"http://127.0.0.1:{grpcPort}", "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        var restUrl = app.Urls.First(u => !u.EndsWith($":{grpcPort}", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = new Uri(restUrl), Timeout = TimeSpan.FromMinutes(5) };
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new Grpc.Net.Client.GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
        var grpc = new WPAI.Inference.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var sender = new ServerSender(client, grpc, wire, image);
        var first = await sender.SendAsync(keep: true);
        var cosine = Similarity.Cosine(first.Output!, reference);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => sender.SendAsync(keep: false)));
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < requestsPerClient; i++)
            {
                latencies.Add((await sender.SendAsync(keep: false)).Ms);
            }
        })));
        var elapsed = total.Elapsed.TotalSeconds;
        await app.StopAsync();
        return new ServerRun(latencies.ToList(), elapsed, cosine);
    }

    private static float[] Run(InferenceSession session, float[] image, int batch)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(image, [batch, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [ResNet18Model.InputName], [value], [ResNet18Model.OutputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static void Print(string title, List<Result> results, Result baseline)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine($"{"variant",-18} {"images/s",9} {"p50 ms",8} {"p99 ms",8} {"cos to fp32",11} {"vs " + baseline.Variant,18}");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Variant,-18} {r.Throughput,9:F1} {r.P50,8:F1} {r.P99,8:F1} {r.Cosine,11:F6} {r.Throughput / baseline.Throughput,17:F2}x");
        }
    }

    private static JsonArray ToJson(IEnumerable<Result> results) => new(results.Select(r => (JsonNode)new JsonObject
    {
        ["variant"] = r.Variant,
        ["throughputPerSecond"] = Math.Round(r.Throughput, 2),
        ["p50Ms"] = Math.Round(r.P50, 2),
        ["p99Ms"] = Math.Round(r.P99, 2),
        ["cosineToFp32"] = Math.Round(r.Cosine, 6),
    }).ToArray());

    private static double Percentile(List<double> values, double q)
    {
        values.Sort();
        return WPAI.Domain.Common.Percentile.NearestRank(values, q);
    }


    private static void Require(int code, StringWriter log)
    {
        if (code != 0)
        {
            throw new InvalidOperationException("model tool failed: " + log);
        }
    }

    internal enum Wire
    {
        Json,
        Binary,
        Grpc,
    }

    private sealed record ServerRun(List<double> Latencies, double Seconds, double Cosine);

    private sealed record Result(string Variant, double Throughput, double P50, double P99, double Cosine);
}
