using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Kubernetes;

/// <summary>
/// Turns successive scrapes of each replica's cumulative model-server counters (Triton's
/// <c>nv_inference_request_success</c>, <c>_failure</c>, <c>_duration_us</c>) into a service's
/// <see cref="ServiceMetrics"/>: total QPS over the interval, error rate, and latency. The model server exports only
/// cumulative durations, so the latency reported is the interval's mean, not a p99.
/// </summary>
public sealed class ReplicaLoad
{
    private readonly Dictionary<string, Sample> _last = new(StringComparer.Ordinal);

    /// <summary>The service's metrics from this round's scrapes (pod → counters), or null when no replica has two scrapes yet.</summary>
    public ServiceMetrics? Observe(DateTimeOffset now, IReadOnlyDictionary<string, (double Success, double Failure, double DurationUs)> scrapes)
    {
        double qps = 0, requests = 0, failures = 0, durationUs = 0;
        var measured = 0;
        foreach (var (pod, counters) in scrapes)
        {
            var current = new Sample(now, counters.Success, counters.Failure, counters.DurationUs);
            if (_last.TryGetValue(pod, out var before) && now > before.At && current.Success >= before.Success && current.Failure >= before.Failure)
            {
                var seconds = (now - before.At).TotalSeconds;
                var done = (current.Success - before.Success) + (current.Failure - before.Failure);
                qps += done / seconds;
                requests += done;
                failures += current.Failure - before.Failure;
                durationUs += Math.Max(0, current.DurationUs - before.DurationUs);
                measured++;
            }

            _last[pod] = current; // a counter that went down (a restarted server) starts a new baseline
        }

        foreach (var gone in _last.Keys.Where(p => !scrapes.ContainsKey(p)).ToList())
        {
            _last.Remove(gone);
        }

        return measured == 0 ? null : new ServiceMetrics(now, qps, 0, 0, 0, requests == 0 ? 0 : durationUs / requests / 1000, requests == 0 ? 0 : failures / requests);
    }

    private sealed record Sample(DateTimeOffset At, double Success, double Failure, double DurationUs);
}
