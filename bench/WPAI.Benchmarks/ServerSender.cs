using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using WPAI.Inference.Grpc.Protocol;
using WPAI.Inference.Models;

namespace WPAI.Benchmarks;

/// <summary>One client request to the model server with one ResNet18 image, as KServe v2 JSON, binary tensor data or gRPC.</summary>
internal sealed class ServerSender
{
    private readonly HttpClient _client;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _grpc;
    private readonly InferenceBenchmark.Wire _wire;
    private readonly byte[] _body;
    private readonly int _headerLength;
    private readonly ModelInferRequest _grpcRequest;

    public ServerSender(HttpClient client, GRPCInferenceService.GRPCInferenceServiceClient grpc, InferenceBenchmark.Wire wire, float[] image)
    {
        _client = client;
        _grpc = grpc;
        _wire = wire;
        var raw = new byte[image.Length * 4];
        Buffer.BlockCopy(image, 0, raw, 0, raw.Length);
        if (wire == InferenceBenchmark.Wire.Json)
        {
            _body = Encoding.UTF8.GetBytes($"{{\"inputs\":[{{\"name\":\"{ResNet18Model.InputName}\",\"datatype\":\"FP32\",\"shape\":[1,3,224,224],\"data\":[{string.Join(",", image.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]}}]}}");
        }
        else
        {
            var header = Encoding.UTF8.GetBytes($"{{\"inputs\":[{{\"name\":\"{ResNet18Model.InputName}\",\"datatype\":\"FP32\",\"shape\":[1,3,224,224],\"parameters\":{{\"binary_data_size\":{raw.Length}}}}}],\"parameters\":{{\"binary_data_output\":true}}}}");
            _headerLength = header.Length;
            _body = [.. header, .. raw];
        }

        _grpcRequest = new ModelInferRequest { ModelName = "resnet18" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = ResNet18Model.InputName, Datatype = "FP32" };
        input.Shape.AddRange([1, 3, 224, 224]);
        _grpcRequest.Inputs.Add(input);
        _grpcRequest.RawInputContents.Add(ByteString.CopyFrom(raw));
    }

    public async Task<(double Ms, float[]? Output)> SendAsync(bool keep)
    {
        var start = Stopwatch.GetTimestamp();
        float[]? output;
        if (_wire == InferenceBenchmark.Wire.Grpc)
        {
            var response = await _grpc.ModelInferAsync(_grpcRequest);
            output = keep ? Floats(response.RawOutputContents[0].Span) : null;
            return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, output);
        }

        using var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new MediaTypeHeaderValue(_wire == InferenceBenchmark.Wire.Json ? "application/json" : "application/octet-stream");
        if (_wire == InferenceBenchmark.Wire.Binary)
        {
            content.Headers.Add("Inference-Header-Content-Length", _headerLength.ToString(CultureInfo.InvariantCulture));
        }

        using var http = await _client.PostAsync("/v2/models/resnet18/infer", content);
        var bytes = await http.Content.ReadAsByteArrayAsync();
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!http.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"HTTP {(int)http.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }

        if (!keep)
        {
            return (ms, null);
        }

        if (_wire == InferenceBenchmark.Wire.Json)
        {
            return (ms, JsonNode.Parse(bytes)!["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
        }

        var headerLength = int.Parse(http.Headers.GetValues("Inference-Header-Content-Length").Single(), CultureInfo.InvariantCulture);
        return (ms, Floats(bytes.AsSpan(headerLength)));
    }

    private static float[] Floats(ReadOnlySpan<byte> bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
