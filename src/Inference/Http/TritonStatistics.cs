using System.Globalization;
using System.Text.Json;
using WPAI.Inference.Metrics;
using WPAI.Inference.Models;

namespace WPAI.Inference.Http;

/// <summary>Model statistics in the JSON shape of Triton's statistics extension (<c>model_stats</c>, counts and nanoseconds).</summary>
public static class TritonStatistics
{
    public static void Write(Utf8JsonWriter w, IEnumerable<ModelVersion> versions)
    {
        w.WriteStartObject();
        w.WriteStartArray("model_stats");
        foreach (var v in versions)
        {
            var s = v.Statistics;
            w.WriteStartObject();
            w.WriteString("name", v.Model);
            w.WriteString("version", v.Version.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("last_inference", s.LastInferenceMs);
            w.WriteNumber("inference_count", s.InferenceCount);
            w.WriteNumber("execution_count", s.ExecCount);
            w.WriteStartObject("inference_stats");
            Duration(w, "success", s.RequestSuccess, s.SuccessNs);
            Duration(w, "fail", s.RequestFailure, s.FailNs);
            Duration(w, "queue", s.QueueCount, s.QueueNs);
            Duration(w, "compute_input", s.ExecCount, s.ComputeInputNs);
            Duration(w, "compute_infer", s.ExecCount, s.ComputeInferNs);
            Duration(w, "compute_output", s.ExecCount, s.ComputeOutputNs);
            Duration(w, "cache_hit", 0, 0);
            Duration(w, "cache_miss", 0, 0);
            w.WriteEndObject();
            w.WriteStartArray("batch_stats");
            foreach (var b in s.Batches)
            {
                w.WriteStartObject();
                w.WriteNumber("batch_size", b.BatchSize);
                Duration(w, "compute_input", b.Count, b.ComputeInputNs);
                Duration(w, "compute_infer", b.Count, b.ComputeInferNs);
                Duration(w, "compute_output", b.Count, b.ComputeOutputNs);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Duration(Utf8JsonWriter w, string name, long count, long ns)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", count);
        w.WriteNumber("ns", ns);
        w.WriteEndObject();
    }
}
