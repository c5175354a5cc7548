using WPAI.Inference.Grpc.Protocol;
using WPAI.Inference.Http;
using WPAI.Inference.Models;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Grpc;

/// <summary>A model version's configuration and statistics as Triton's protobuf messages (the same fields as the REST JSON).</summary>
public static class GrpcModelConfig
{
    public static Protocol.ModelConfig From(ModelVersion model)
    {
        var config = model.Config;
        var message = new Protocol.ModelConfig
        {
            Name = model.Model,
            Platform = "onnxruntime_onnx",
            Backend = "onnxruntime",
            VersionPolicy = new ModelVersionPolicy { All = new ModelVersionPolicy.Types.All() },
            MaxBatchSize = config.MaxBatchSize,
        };
        foreach (var spec in model.Session!.Inputs)
        {
            var input = new ModelInput { Name = spec.Name, DataType = Type(spec.DataType) };
            input.Dims.AddRange(TritonModelConfig.Dims(spec, model.Batches));
            message.Input.Add(input);
        }

        foreach (var spec in model.Session.Outputs)
        {
            var output = new ModelOutput { Name = spec.Name, DataType = Type(spec.DataType) };
            output.Dims.AddRange(TritonModelConfig.Dims(spec, model.Batches));
            message.Output.Add(output);
        }

        message.InstanceGroup.Add(new ModelInstanceGroup
        {
            Name = model.Model,
            Kind = TritonModelConfig.OnGpu(model) ? ModelInstanceGroup.Types.Kind.Gpu : ModelInstanceGroup.Types.Kind.Cpu,
            Count = config.InstanceCount,
        });
        if (config.DynamicBatching.Enabled)
        {
            var batching = new ModelDynamicBatching
            {
                MaxQueueDelayMicroseconds = (ulong)config.DynamicBatching.MaxQueueDelay.TotalMicroseconds,
                DefaultQueuePolicy = new ModelQueuePolicy { MaxQueueSize = (uint)config.DynamicBatching.MaxQueueSize },
            };
            batching.PreferredBatchSize.AddRange(config.DynamicBatching.PreferredBatchSizes);
            message.DynamicBatching = batching;
        }

        message.Parameters["execution_providers"] = new ModelParameter { StringValue = string.Join(",", model.Session.Providers) };
        message.Parameters["max_in_flight_requests"] = new ModelParameter { StringValue = config.EffectiveMaxInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return message;
    }

    public static Protocol.ModelStatistics Statistics(ModelVersion v)
    {
        var s = v.Statistics;
        var message = new Protocol.ModelStatistics
        {
            Name = v.Model,
            Version = v.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            LastInference = (ulong)s.LastInferenceMs,
            InferenceCount = (ulong)s.InferenceCount,
            ExecutionCount = (ulong)s.ExecCount,
            InferenceStats = new InferStatistics
            {
                Success = Duration(s.RequestSuccess, s.SuccessNs),
                Fail = Duration(s.RequestFailure, s.FailNs),
                Queue = Duration(s.QueueCount, s.QueueNs),
                ComputeInput = Duration(s.ExecCount, s.ComputeInputNs),
                ComputeInfer = Duration(s.ExecCount, s.ComputeInferNs),
                ComputeOutput = Duration(s.ExecCount, s.ComputeOutputNs),
                CacheHit = Duration(0, 0),
                CacheMiss = Duration(0, 0),
            },
        };
        message.BatchStats.AddRange(s.Batches.Select(b => new InferBatchStatistics
        {
            BatchSize = (ulong)b.BatchSize,
            ComputeInput = Duration(b.Count, b.ComputeInputNs),
            ComputeInfer = Duration(b.Count, b.ComputeInferNs),
            ComputeOutput = Duration(b.Count, b.ComputeOutputNs),
        }));
        return message;
    }

    private static DataType Type(TensorDataType type) => type switch
    {
        TensorDataType.Fp32 => DataType.TypeFp32,
        TensorDataType.Fp16 => DataType.TypeFp16,
        TensorDataType.Int64 => DataType.TypeInt64,
        TensorDataType.Int32 => DataType.TypeInt32,
        TensorDataType.UInt8 => DataType.TypeUint8,
        TensorDataType.Bool => DataType.TypeBool,
        TensorDataType.Bytes => DataType.TypeString,
        _ => DataType.TypeInvalid,
    };

    private static StatisticDuration Duration(long count, long ns) => new() { Count = (ulong)count, Ns = (ulong)ns };
}
