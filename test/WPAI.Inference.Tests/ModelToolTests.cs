using Microsoft.ML.OnnxRuntime;
using Onnx;
using WPAI.Inference.Tools;
using Xunit.Abstractions;

namespace WPAI.Inference.Tests;

public sealed class ModelToolTests(ResNet18Fixture resnet, ITestOutputHelper log) : IClassFixture<ResNet18Fixture>
{
    [Fact]
    public async Task Inspect_PrintsInputsOutputsOpsetSizeAndOperators()
    {
        using var output = new StringWriter();
        Assert.Equal(0, await ModelTool.RunAsync(["inspect", resnet.Original], output));
        var text = output.ToString();
        Assert.Contains("Input247: FLOAT[1,3,224,224]", text, StringComparison.Ordinal);
        Assert.Contains("Pooling395_Output_0: FLOAT[1,512,1,1]", text, StringComparison.Ordinal);
        Assert.Contains("opsets:     ai.onnx 8", text, StringComparison.Ordinal);
        Assert.Contains("63,653,533 bytes", text, StringComparison.Ordinal);
        Assert.Matches(@"Conv\s+22", text);
    }

    [Fact]
    public async Task Inspect_ReportsACorruptFileClearly()
    {
        var file = Path.Combine(resnet.Folder, "corrupt.onnx");
        await File.WriteAllBytesAsync(file, [0x0a, 0xff, 0xff, 0xff, 0x01, 0x02]);
        using var output = new StringWriter();
        Assert.Equal(2, await ModelTool.RunAsync(["inspect", file], output));
        Assert.Contains("is not a valid ONNX model", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(file, output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "frobnicate", "x.onnx" }, 2, "Unknown command 'frobnicate'")]
    [InlineData(new[] { "optimize", "x.onnx" }, 2, "--level is required")]
    [InlineData(new[] { "inspect", "/nonexistent/x.onnx" }, 2, "does not exist")]
    [InlineData(new[] { "batch", "/nonexistent/x.onnx" }, 2, "batch needs --dynamic")]
    [InlineData(new[] { "int8", "/nonexistent/x.onnx" }, 2, "--calibration is required")]
    [InlineData(new[] { "optimize", "x.onnx", "--level", "turbo" }, 2, "use none, basic, extended or all")]
    [InlineData(new[] { "int8", "x.onnx", "--calibration", "d", "--method", "median" }, 2, "--method 'median' is not known: use mse (default) or minmax")]
    [InlineData(new[] { "inspect", "x.onnx", "--level", "basic" }, 2, "Unknown option 'level'")]
    public async Task RunAsync_ExplainsBadArguments(string[] args, int code, string expected)
    {
        using var output = new StringWriter();
        Assert.Equal(code, await ModelTool.RunAsync(args, output));
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Int8_ExplainsAnEmptyCalibrationFolder()
    {
        var empty = Directory.CreateDirectory(Path.Combine(resnet.Folder, "empty")).FullName;
        using var output = new StringWriter();
        Assert.Equal(2, await ModelTool.RunAsync(["int8", resnet.Dynamic, "--calibration", empty], output));
        Assert.Contains("holds no .npy or .json files", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("extended")]
    [InlineData("all")]
    public async Task Optimize_WritesAModelWhoseOutputsEqualTheOriginalWithin1e4(string level)
    {
        var target = Path.Combine(resnet.Folder, $"resnet18.{level}.onnx");
        using var output = new StringWriter();
        Assert.Equal(0, await ModelTool.RunAsync(["optimize", resnet.Original, "--level", level, "--output", target], output));
        var input = SyntheticImages.Create(ResNet18Fixture.EvaluationSeeds[0]);
        var expected = ResNet18Fixture.Run(resnet.Original, input);
        var actual = ResNet18Fixture.Run(target, input, level: GraphOptimizationLevel.ORT_ENABLE_ALL);
        var maxDiff = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        log.WriteLine($"{level}: max |diff| {maxDiff:E2}");
        Assert.True(maxDiff <= 1e-4, $"max difference {maxDiff}");
    }

    [Fact]
    public void BatchDynamic_RunsABatchOfThree_EqualToThreeSingleRuns()
    {
        var model = OnnxModelFile.Load(resnet.Dynamic);
        Assert.Equal("FLOAT[batch,3,224,224]", ModelInspector.DescribeType(model.Graph.Input.Single(i => i.Name == "Input247").Type));
        var rows = ResNet18Fixture.EvaluationSeeds.Take(3).Select(s => SyntheticImages.Create(s)).ToArray();
        var batched = ResNet18Fixture.Run(resnet.Dynamic, rows.SelectMany(r => r).ToArray(), batch: 3);
        Assert.Equal(3 * 512, batched.Length);
        for (var r = 0; r < 3; r++)
        {
            var single = ResNet18Fixture.Run(resnet.Original, rows[r]);
            var maxDiff = single.Select((v, i) => Math.Abs(v - batched[(r * 512) + i])).Max();
            Assert.True(maxDiff <= 1e-4, $"row {r}: max difference {maxDiff}");
        }
    }

    [Fact]
    public void Fp16_StoresHalfTheBytes_AndKeepsCosineAtLeast0999ToFp32()
    {
        var model = OnnxModelFile.Load(resnet.Fp16);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.All(model.Graph.Initializer, i => Assert.Equal(OnnxTensors.Float16, i.DataType));
        Assert.Equal("FLOAT[batch,3,224,224]", ModelInspector.DescribeType(model.Graph.Input.Single().Type));
        Assert.True(new FileInfo(resnet.Fp16).Length < new FileInfo(resnet.Original).Length * 0.55);
        foreach (var seed in ResNet18Fixture.EvaluationSeeds)
        {
            var input = SyntheticImages.Create(seed);
            var cosine = ResNet18Fixture.Cosine(ResNet18Fixture.Run(resnet.Original, input), ResNet18Fixture.Run(resnet.Fp16, input, level: GraphOptimizationLevel.ORT_ENABLE_ALL));
            log.WriteLine($"fp16 seed {seed}: cosine {cosine:F6}");
            Assert.True(cosine >= 0.999, $"seed {seed}: cosine {cosine}");
        }
    }

    [Fact]
    public void Int8_IsAQdqGraphWithPerChannelWeightsAndInt32Bias_WithCosineAtLeast0998ToFp32()
    {
        log.WriteLine(resnet.ToolOutput);
        var model = OnnxModelFile.Load(resnet.Int8);
        var inits = model.Graph.Initializer.ToDictionary(i => i.Name);
        var convs = model.Graph.Node.Where(n => n.OpType == "Conv").ToArray();
        Assert.Equal(22, convs.Length);
        var dequantizers = model.Graph.Node.Where(n => n.OpType == "DequantizeLinear").ToDictionary(n => n.Output[0]);
        foreach (var conv in convs)
        {
            Assert.True(dequantizers.ContainsKey(conv.Input[0]), $"{conv.Name}: activation input is not dequantized");
            var weight = dequantizers[conv.Input[1]];
            Assert.Equal(OnnxTensors.Int8, inits[weight.Input[0]].DataType);
            Assert.Equal(inits[weight.Input[0]].Dims[0], inits[weight.Input[1]].Dims.Single());
            Assert.Equal(OnnxTensors.Int32, inits[dequantizers[conv.Input[2]].Input[0]].DataType);
        }

        Assert.Equal(13, OnnxModelFile.DefaultOpset(model));
        Assert.True(new FileInfo(resnet.Int8).Length < new FileInfo(resnet.Original).Length * 0.3);
        foreach (var seed in ResNet18Fixture.EvaluationSeeds)
        {
            var input = SyntheticImages.Create(seed);
            var cosine = ResNet18Fixture.Cosine(ResNet18Fixture.Run(resnet.Original, input), ResNet18Fixture.Run(resnet.Int8, input, level: GraphOptimizationLevel.ORT_ENABLE_ALL));
            log.WriteLine($"int8 seed {seed}: cosine {cosine:F6}");
            Assert.True(cosine >= 0.998, $"seed {seed}: cosine {cosine}");
        }
    }

    [Fact]
    public async Task Int8_ModelIsServedByTheServer()
    {
        var repository = Path.Combine(resnet.Folder, "repository");
        Directory.CreateDirectory(Path.Combine(repository, "resnet18-int8", "1"));
        File.Copy(resnet.Int8, Path.Combine(repository, "resnet18-int8", "1", "model.onnx"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(repository, "resnet18-int8", "config.json"), """{"maxBatchSize": 4, "dynamicBatching": {"enabled": true, "maxQueueDelayMicroseconds": 1000}}""");
        await using var app = Hosting.InferenceServer.Build(["--models", repository, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var input = SyntheticImages.Create(ResNet18Fixture.EvaluationSeeds[1]);
        var body = $"{{\"inputs\":[{{\"name\":\"Input247\",\"datatype\":\"FP32\",\"shape\":[1,3,224,224],\"data\":[{string.Join(",", input.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}]}}]}}";
        using var response = await client.PostAsync("/v2/models/resnet18-int8/infer", new StringContent(body));
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("[1,512,1,1]", json["outputs"]![0]!["shape"]!.ToJsonString());
        var served = json["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        var cosine = ResNet18Fixture.Cosine(ResNet18Fixture.Run(resnet.Original, input), served);
        Assert.True(cosine >= 0.998, $"cosine {cosine}");
        await app.StopAsync();
    }
}
