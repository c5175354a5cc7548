using System.Globalization;
using Grpc.Core;
using WPAI.Inference.Batching;
using WPAI.Inference.Grpc.Protocol;
using WPAI.Inference.Http;
using WPAI.Inference.Models;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Grpc;

/// <summary>
/// The Open Inference Protocol's <c>inference.GRPCInferenceService</c> with Triton's configuration, statistics and
/// repository extensions, over the same repository, admission and schedulers as the REST endpoints.
/// </summary>
public sealed class InferenceGrpcService(ModelRepository repository, TimeProvider time) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = repository.IsServerReady(out _) });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var model = repository.Find(request.Name, Version(request.Version)) ?? throw ToRpc(repository.NotFound(request.Name, Version(request.Version)));
        return Task.FromResult(new ModelReadyResponse { Ready = model.IsReady });
    }

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse { Name = "wpai-inference", Version = typeof(InferenceGrpcService).Assembly.GetName().Version?.ToString() ?? "0" };
        response.Extensions.AddRange(KServeEndpoints.Extensions);
        return Task.FromResult(response);
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var model = ReadyModel(request.Name, request.Version);
        var response = new ModelMetadataResponse { Name = model.Model, Platform = "onnxruntime_onnx" };
        response.Versions.AddRange(repository.Versions(model.Model).Select(v => v.ToString(CultureInfo.InvariantCulture)));
        response.Inputs.AddRange(model.Session!.Inputs.Select(Metadata));
        response.Outputs.AddRange(model.Session.Outputs.Select(Metadata));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var start = time.GetTimestamp();
        using var lease = repository.Acquire(request.ModelName, Version(request.ModelVersion), out var refusal) ?? throw ToRpc(refusal!);
        var model = lease.Version;
        var success = false;
        TensorBuffer[]? inputs = null;
        TensorBuffer[]? outputs = null;
        try
        {
            (inputs, var rows) = GrpcTensors.ReadInputs(request, model);
            var requested = GrpcTensors.RequestedOutputs(request, model);
            outputs = await model.Scheduler!.EnqueueAsync(new InferenceJob(inputs, rows, time.GetTimestamp()), context.CancellationToken);
            var response = GrpcTensors.Response(model, request.Id, requested.Select(spec => outputs.First(o => o.Name == spec.Name)));
            success = true;
            return response;
        }
        catch (InferenceRequestException ex)
        {
            throw ToRpc(ex);
        }
        catch (QueueFullException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message));
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException or ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"model '{model.Model}' failed to run: {ex.Message}"));
        }
        finally
        {
            foreach (var t in (inputs ?? []).Concat(outputs ?? []))
            {
                t.Dispose();
            }

            model.Statistics.AddRequest(success, time.GetElapsedTime(start), time.GetUtcNow());
        }
    }

    public override Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelConfigResponse { Config = GrpcModelConfig.From(ReadyModel(request.Name, request.Version)) });

    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
    {
        IReadOnlyList<ModelVersion> versions;
        try
        {
            versions = repository.ForStatistics(request.Name.Length == 0 ? null : request.Name, Version(request.Version));
        }
        catch (InferenceRequestException ex)
        {
            throw ToRpc(ex);
        }

        var response = new ModelStatisticsResponse();
        response.ModelStats.AddRange(versions.Select(GrpcModelConfig.Statistics));
        return Task.FromResult(response);
    }

    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context)
    {
        var response = new RepositoryIndexResponse();
        response.Models.AddRange(repository.Index(request.Ready).Select(e => new RepositoryIndexResponse.Types.ModelIndex
        {
            Name = e.Name,
            Version = e.Version ?? string.Empty,
            State = e.State,
            Reason = e.Reason,
        }));
        return Task.FromResult(response);
    }

    public override async Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context)
    {
        var unsupported = request.Parameters.Keys.FirstOrDefault(k => k == "config" || k.StartsWith("file:", StringComparison.Ordinal));
        if (unsupported is not null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"load parameter '{unsupported}' is not supported: edit {request.ModelName}/config.json and the version folders in the repository instead"));
        }

        await ControlAsync(() => repository.LoadModelAsync(request.ModelName, context.CancellationToken));
        return new RepositoryModelLoadResponse();
    }

    public override async Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context)
    {
        await ControlAsync(() => repository.UnloadModelAsync(request.ModelName, context.CancellationToken));
        return new RepositoryModelUnloadResponse();
    }

    /// <summary>The gRPC status for a refusal: 400 INVALID_ARGUMENT, 404 NOT_FOUND, 413 RESOURCE_EXHAUSTED, 503 UNAVAILABLE, else INTERNAL.</summary>
    public static RpcException ToRpc(InferenceRequestException refusal) => new(new Status(refusal.StatusCode switch
    {
        400 => StatusCode.InvalidArgument,
        401 => StatusCode.Unauthenticated,
        404 => StatusCode.NotFound,
        413 => StatusCode.ResourceExhausted,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    }, refusal.Message));

    private static async Task ControlAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ModelControlException ex)
        {
            throw new RpcException(new Status(ex.NotFound ? StatusCode.NotFound : StatusCode.InvalidArgument, ex.Message));
        }
    }

    private static string? Version(string version) => version.Length == 0 ? null : version;

    private static ModelMetadataResponse.Types.TensorMetadata Metadata(Runtime.TensorSpec spec)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = spec.DataType.ToKServe() };
        tensor.Shape.AddRange(spec.Shape);
        return tensor;
    }

    private ModelVersion ReadyModel(string name, string version)
    {
        var model = repository.Find(name, Version(version)) ?? throw ToRpc(repository.NotFound(name, Version(version)));
        return model.IsReady ? model : throw new RpcException(new Status(StatusCode.Unavailable, $"model '{name}' version {model.Version} is not ready: {model.FailureReason}"));
    }
}
