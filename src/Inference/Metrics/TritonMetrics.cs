using Prometheus;
using WPAI.Inference.Models;

namespace WPAI.Inference.Metrics;

/// <summary>
/// The repository's statistics as Prometheus metrics with Triton's names and labels (<c>model</c>, <c>version</c>),
/// exported through prometheus-net from a registry of this server's own (no process-wide default metrics). Counters
/// are brought up to the cumulative statistics just before each scrape; versions no longer loaded are dropped.
/// </summary>
public sealed class TritonMetrics
{
    private static readonly string[] Labels = ["model", "version"];
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly (Counter Counter, Func<ModelStatistics, long> Value)[] _counters;
    private readonly Gauge _pending;
    private readonly Dictionary<(string Model, string Version), ModelStatistics> _exported = [];
    private readonly Lock _gate = new();

    public TritonMetrics(ModelRepository repository)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        Counter C(string name, string help) => factory.CreateCounter(name, help, new CounterConfiguration { LabelNames = Labels });
        _counters =
        [
            (C("nv_inference_request_success", "Number of successful inference requests, all batch sizes"), s => s.RequestSuccess),
            (C("nv_inference_request_failure", "Number of failed inference requests, all batch sizes"), s => s.RequestFailure),
            (C("nv_inference_count", "Number of inferences performed (does not include cached requests)"), s => s.InferenceCount),
            (C("nv_inference_exec_count", "Number of model executions performed (does not include cached requests)"), s => s.ExecCount),
            (C("nv_inference_request_duration_us", "Cumulative inference request duration in microseconds (includes cached requests)"), s => (s.SuccessNs + s.FailNs) / 1000),
            (C("nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds (includes cached requests)"), s => s.QueueNs / 1000),
            (C("nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds (does not include cached requests)"), s => s.ComputeInputNs / 1000),
            (C("nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds (does not include cached requests)"), s => s.ComputeInferNs / 1000),
            (C("nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds (does not include cached requests)"), s => s.ComputeOutputNs / 1000),
        ];
        _pending = factory.CreateGauge("nv_inference_pending_request_count", "Instantaneous number of pending requests awaiting execution per-model.", new GaugeConfiguration { LabelNames = Labels });
        _registry.AddBeforeCollectCallback(() => Update(repository));
    }

    /// <summary>Writes the Prometheus text exposition format.</summary>
    public Task WriteAsync(Stream destination, CancellationToken cancellationToken) => _registry.CollectAndExportAsTextAsync(destination, cancellationToken);

    private void Update(ModelRepository repository)
    {
        lock (_gate)
        {
            var current = repository.AllVersions.Where(v => v.IsReady)
                .ToDictionary(v => (v.Model, v.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            foreach (var (labels, statistics) in _exported.ToArray())
            {
                // Unloaded, or reloaded (new counters starting from zero): drop the old series.
                if (!current.TryGetValue(labels, out var v) || !ReferenceEquals(v.Statistics, statistics))
                {
                    foreach (var (counter, _) in _counters)
                    {
                        counter.RemoveLabelled(labels.Model, labels.Version);
                    }

                    _pending.RemoveLabelled(labels.Model, labels.Version);
                    _exported.Remove(labels);
                }
            }

            foreach (var ((model, version), v) in current)
            {
                foreach (var (counter, value) in _counters)
                {
                    counter.WithLabels(model, version).IncTo(value(v.Statistics));
                }

                _pending.WithLabels(model, version).Set(v.Scheduler?.QueueLength ?? 0);
                _exported[(model, version)] = v.Statistics;
            }
        }
    }
}
