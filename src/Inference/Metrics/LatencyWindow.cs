using WPAI.Domain.Common;

namespace WPAI.Inference.Metrics;

/// <summary>
/// Request latencies and queue times since the last snapshot (bounded reservoir), for percentiles in load reports
/// (nearest rank, 0 for an empty window: the product's one <see cref="Percentile"/> rule).
/// </summary>
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
        return new WindowSample(requests, errors, Percentile.NearestRank(latencies, 0.50), Percentile.NearestRank(latencies, 0.95), Percentile.NearestRank(latencies, 0.99), queueCount == 0 ? 0 : queueSum / queueCount);
    }
}
