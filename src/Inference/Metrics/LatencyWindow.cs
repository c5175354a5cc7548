namespace WPAI.Inference.Metrics;

/// <summary>Request latencies and queue times since the last snapshot (bounded reservoir), for percentiles in load reports.</summary>
public sealed class LatencyWindow
{
    private const int Capacity = 8192;
    private readonly Lock _gate = new();
    private List<double> _latenciesMs = [];
    private double _queueMsSum;
    private long _queueCount;
    private long _requests;
    private long _errors;

    public void AddRequest(bool success, TimeSpan duration)
    {
        lock (_gate)
        {
            _requests++;
            if (!success)
            {
                _errors++;
            }

            if (_latenciesMs.Count < Capacity)
            {
                _latenciesMs.Add(duration.TotalMilliseconds);
            }
            else
            {
                _latenciesMs[(int)(_requests % Capacity)] = duration.TotalMilliseconds;
            }
        }
    }

    public void AddQueue(TimeSpan wait)
    {
        lock (_gate)
        {
            _queueMsSum += wait.TotalMilliseconds;
            _queueCount++;
        }
    }

    /// <summary>Takes the window's numbers and starts a new window.</summary>
    public WindowSample TakeAndReset()
    {
        List<double> latencies;
        double queueSum;
        long queueCount, requests, errors;
        lock (_gate)
        {
            latencies = _latenciesMs;
            _latenciesMs = [];
            queueSum = _queueMsSum;
            queueCount = _queueCount;
            requests = _requests;
            errors = _errors;
            _queueMsSum = 0;
            _queueCount = 0;
            _requests = 0;
            _errors = 0;
        }

        latencies.Sort();
        return new WindowSample(requests, errors, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), queueCount == 0 ? 0 : queueSum / queueCount);
    }

    /// <summary>Nearest-rank percentile of sorted values (0 when empty).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(q * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
