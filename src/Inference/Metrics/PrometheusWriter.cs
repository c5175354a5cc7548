using System.Globalization;
using System.Text;
using WPAI.Inference.Models;

namespace WPAI.Inference.Metrics;

/// <summary>Renders the repository's statistics in Prometheus text format with Triton's metric names.</summary>
public static class PrometheusWriter
{
    private static readonly (string Name, string Type, string Help, Func<ModelVersion, long> Value)[] Series =
    [
        ("nv_inference_request_success", "counter", "Number of successful inference requests, all batch sizes", v => v.Statistics.RequestSuccess),
        ("nv_inference_request_failure", "counter", "Number of failed inference requests, all batch sizes", v => v.Statistics.RequestFailure),
        ("nv_inference_count", "counter", "Number of inferences performed (does not include cached requests)", v => v.Statistics.InferenceCount),
        ("nv_inference_exec_count", "counter", "Number of model executions performed (does not include cached requests)", v => v.Statistics.ExecCount),
        ("nv_inference_request_duration_us", "counter", "Cumulative inference request duration in microseconds (includes cached requests)", v => v.Statistics.RequestDurationUs),
        ("nv_inference_queue_duration_us", "counter", "Cumulative inference queuing duration in microseconds (includes cached requests)", v => v.Statistics.QueueDurationUs),
        ("nv_inference_compute_input_duration_us", "counter", "Cumulative compute input duration in microseconds (does not include cached requests)", v => v.Statistics.ComputeInputUs),
        ("nv_inference_compute_infer_duration_us", "counter", "Cumulative compute inference duration in microseconds (does not include cached requests)", v => v.Statistics.ComputeInferUs),
        ("nv_inference_compute_output_duration_us", "counter", "Cumulative inference compute output duration in microseconds (does not include cached requests)", v => v.Statistics.ComputeOutputUs),
        ("nv_inference_pending_request_count", "gauge", "Instantaneous number of pending requests awaiting execution per-model.", v => v.Scheduler?.QueueLength ?? 0),
    ];

    public static string Render(IEnumerable<ModelVersion> versions)
    {
        var list = versions.Where(v => v.IsReady).ToArray();
        var text = new StringBuilder();
        foreach (var (name, type, help, value) in Series)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var v in list)
            {
                text.Append(name).Append("{model=\"").Append(Escape(v.Model)).Append("\",version=\"")
                    .Append(v.Version.ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                    .Append(value(v).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
