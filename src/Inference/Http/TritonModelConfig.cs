using System.Text.Json;
using WPAI.Inference.Models;
using WPAI.Inference.Runtime;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>
/// A model version's configuration in Triton's JSON shape (the fields of Triton's <c>model_config.proto</c> that this
/// server has): name, platform, backend, max_batch_size, input/output with data_type and dims (without the batch
/// dimension when max_batch_size &gt; 0), instance_group, dynamic_batching, optimization.
/// </summary>
public static class TritonModelConfig
{
    public static void Write(Utf8JsonWriter w, ModelVersion model)
    {
        var config = model.Config;
        w.WriteStartObject();
        w.WriteString("name", model.Model);
        w.WriteString("platform", "onnxruntime_onnx");
        w.WriteString("backend", "onnxruntime");
        w.WriteStartObject("version_policy");
        w.WriteStartObject("all");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteNumber("max_batch_size", config.MaxBatchSize);
        WriteTensors(w, "input", model.Session!.Inputs, model.Batches);
        WriteTensors(w, "output", model.Session.Outputs, model.Batches);
        w.WriteStartArray("instance_group");
        w.WriteStartObject();
        w.WriteString("name", model.Model);
        w.WriteString("kind", OnGpu(model) ? "KIND_GPU" : "KIND_CPU");
        w.WriteNumber("count", config.InstanceCount);
        w.WriteEndObject();
        w.WriteEndArray();
        if (config.DynamicBatching.Enabled)
        {
            w.WriteStartObject("dynamic_batching");
            w.WriteStartArray("preferred_batch_size");
            foreach (var size in config.DynamicBatching.PreferredBatchSizes)
            {
                w.WriteNumberValue(size);
            }

            w.WriteEndArray();
            w.WriteNumber("max_queue_delay_microseconds", (long)config.DynamicBatching.MaxQueueDelay.TotalMicroseconds);
            w.WriteStartObject("default_queue_policy");
            w.WriteNumber("max_queue_size", config.DynamicBatching.MaxQueueSize);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteStartObject("optimization");
        w.WriteStartObject("execution_accelerators");
        w.WriteStartArray("gpu_execution_accelerator");
        foreach (var provider in config.ExecutionProviders.Where(p => p != "cpu"))
        {
            w.WriteStartObject();
            w.WriteString("name", provider);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("parameters");
        WriteParameter(w, "execution_providers", string.Join(",", model.Session.Providers));
        WriteParameter(w, "graph_optimization_level", config.GraphOptimizationLevel.ToString());
        WriteParameter(w, "max_in_flight_requests", config.EffectiveMaxInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Triton's <c>DataType</c> enum name for a tensor type (<c>TYPE_FP32</c>, ..., <c>TYPE_STRING</c> for BYTES).</summary>
    public static string TypeName(TensorDataType type) => type == TensorDataType.Bytes ? "TYPE_STRING" : "TYPE_" + type.ToKServe();

    /// <summary>The dims Triton reports: the batch dimension is left out when the model batches.</summary>
    public static long[] Dims(TensorSpec spec, bool batches) => batches && spec.Shape.Length > 0 ? spec.Shape[1..] : spec.Shape;

    public static bool OnGpu(ModelVersion model) => model.Session?.Providers.Any(p => p != "cpu") == true;

    private static void WriteTensors(Utf8JsonWriter w, string property, IReadOnlyList<TensorSpec> specs, bool batches)
    {
        w.WriteStartArray(property);
        foreach (var spec in specs)
        {
            w.WriteStartObject();
            w.WriteString("name", spec.Name);
            w.WriteString("data_type", TypeName(spec.DataType));
            w.WriteStartArray("dims");
            foreach (var d in Dims(spec, batches))
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteParameter(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject(name);
        w.WriteString("string_value", value);
        w.WriteEndObject();
    }
}
