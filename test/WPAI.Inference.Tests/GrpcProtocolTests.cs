using Google.Protobuf;
using Grpc.Core;
using WPAI.Inference.Grpc.Protocol;

namespace WPAI.Inference.Tests;

/// <summary>The Open Inference Protocol's GRPCInferenceService with Triton's extensions, through Grpc.Net.Client.</summary>
[Collection(ServerCollection.Name)]
public sealed class GrpcProtocolTests(ServerFixture server)
{
    [Fact]
    public async Task HealthAndMetadata_AnswerLikeTheRestEndpoints()
    {
        Assert.True((await server.Grpc.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.False((await server.Grpc.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await server.Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "doubler" })).Ready);
        Assert.False((await server.Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "broken" })).Ready);
        var metadata = await server.Grpc.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal("wpai-inference", metadata.Name);
        Assert.Contains("model_repository", metadata.Extensions);
        var model = await server.Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "doubler", Version = "1" });
        Assert.Equal("onnxruntime_onnx", model.Platform);
        Assert.Equal("x", model.Inputs[0].Name);
        Assert.Equal("FP32", model.Inputs[0].Datatype);
        Assert.Equal([-1L, 4], model.Inputs[0].Shape);
    }

    [Fact]
    public async Task ModelInfer_WithRawInputContents_ReturnsRawOutputContents()
    {
        var request = new ModelInferRequest { ModelName = "doubler", Id = "g1" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32" };
        input.Shape.AddRange([2, 4]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(BinaryTensorDataTests.Floats(1, 2, 3, 4, -1, -2, 0.5f, 1e-3f)));
        var response = await server.Grpc.ModelInferAsync(request);
        Assert.Equal("doubler", response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("g1", response.Id);
        Assert.Equal("y", response.Outputs.Single().Name);
        Assert.Equal("FP32", response.Outputs[0].Datatype);
        Assert.Equal([2L, 4], response.Outputs[0].Shape);
        Assert.Equal(BinaryTensorDataTests.Floats(2, 4, 6, 8, -2, -4, 1, 2e-3f), response.RawOutputContents.Single().ToByteArray());
    }

    [Fact]
    public async Task ModelInfer_WithTypedContents_AndBytesTensors()
    {
        var request = new ModelInferRequest { ModelName = "doubler-direct" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Contents = new InferTensorContents() };
        input.Shape.AddRange([1, 4]);
        input.Contents.Fp32Contents.AddRange([1, 2, 3, 4]);
        request.Inputs.Add(input);
        var response = await server.Grpc.ModelInferAsync(request);
        Assert.Equal(BinaryTensorDataTests.Floats(2, 4, 6, 8), response.RawOutputContents[0].ToByteArray());

        var strings = new ModelInferRequest { ModelName = "strings" };
        var s = new ModelInferRequest.Types.InferInputTensor { Name = "s", Datatype = "BYTES", Contents = new InferTensorContents() };
        s.Shape.Add(2);
        s.Contents.BytesContents.AddRange([ByteString.CopyFromUtf8("abc"), ByteString.CopyFromUtf8("")]);
        strings.Inputs.Add(s);
        var echoed = await server.Grpc.ModelInferAsync(strings);
        Assert.Equal(new byte[] { 3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c', 0, 0, 0, 0 }, echoed.RawOutputContents[0].ToByteArray());
    }

    public static TheoryData<string, string, string, long[], int, StatusCode, string> BadRequests => new()
    {
        { "doubler", "z", "FP32", [1, 4], 16, StatusCode.InvalidArgument, "has no input 'z'" },
        { "doubler", "x", "INT32", [1, 4], 16, StatusCode.InvalidArgument, "expects FP32" },
        { "doubler", "x", "FP32", [1, 3], 12, StatusCode.InvalidArgument, "dimension 1 must be 4" },
        { "doubler", "x", "FP32", [9, 4], 144, StatusCode.InvalidArgument, "maxBatchSize" },
        { "doubler", "x", "FP32", [1, 4], 12, StatusCode.InvalidArgument, "raw content has 12 bytes" },
        { "nope", "x", "FP32", [1, 4], 16, StatusCode.NotFound, "unknown model 'nope'" },
        { "broken", "x", "FP32", [1, 4], 16, StatusCode.Unavailable, "not ready" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ModelInfer_RefusesBadRequests_WithAStatusAndAClearMessage(string model, string name, string datatype, long[] shape, int bytes, StatusCode expected, string text)
    {
        var request = new ModelInferRequest { ModelName = model };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        input.Shape.AddRange(shape);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[bytes]));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Grpc.ModelInferAsync(request));
        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains(text, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelConfigAndStatistics_CarryTritonsFields()
    {
        var config = (await server.Grpc.ModelConfigAsync(new ModelConfigRequest { Name = "doubler" })).Config;
        Assert.Equal("doubler", config.Name);
        Assert.Equal("onnxruntime", config.Backend);
        Assert.Equal(8, config.MaxBatchSize);
        Assert.Equal(DataType.TypeFp32, config.Input[0].DataType);
        Assert.Equal([4L], config.Input[0].Dims);
        Assert.Equal([4, 8], config.DynamicBatching.PreferredBatchSize);
        Assert.Equal(ModelInstanceGroup.Types.Kind.Cpu, config.InstanceGroup[0].Kind);

        var before = (await server.Grpc.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "doubler-fixed", Version = "1" })).ModelStats.Single();
        var request = new ModelInferRequest { ModelName = "doubler-fixed" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32" };
        input.Shape.AddRange([1, 4]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[16]));
        await server.Grpc.ModelInferAsync(request);
        var after = (await server.Grpc.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "doubler-fixed" })).ModelStats.Single();
        Assert.Equal(before.InferenceCount + 1, after.InferenceCount);
        Assert.Equal(before.ExecutionCount + 1, after.ExecutionCount);
        Assert.Equal(before.InferenceStats.Success.Count + 1, after.InferenceStats.Success.Count);
        Assert.True(after.InferenceStats.ComputeInfer.Ns > before.InferenceStats.ComputeInfer.Ns);
        var all = await server.Grpc.ModelStatisticsAsync(new ModelStatisticsRequest());
        Assert.Contains(all.ModelStats, m => m.Name == "types");
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await server.Grpc.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "nope" }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Repository_IndexListsStates_AndLoadIsRefusedWithoutExplicitModelControl()
    {
        var index = await server.Grpc.RepositoryIndexAsync(new RepositoryIndexRequest());
        Assert.Contains(index.Models, m => m.Name == "doubler" && m.State == "READY" && m.Version == "1");
        Assert.Contains(index.Models, m => m.Name == "broken" && m.State == "UNAVAILABLE" && m.Reason.Length > 0);
        var ready = await server.Grpc.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true });
        Assert.DoesNotContain(ready.Models, m => m.Name == "broken");
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Grpc.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "doubler" }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("--model-control-mode explicit", ex.Status.Detail, StringComparison.Ordinal);
    }
}
