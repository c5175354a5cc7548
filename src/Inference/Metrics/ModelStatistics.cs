using System.Collections.Concurrent;

namespace WPAI.Inference.Metrics;

/// <summary>
/// Cumulative counters of one model version with Triton's statistics fields (counts and nanoseconds: success, fail,
/// queue, compute input/infer/output, per batch size), also exported as Triton's Prometheus metrics, plus a latency
/// window for load reports.
/// </summary>
public sealed class ModelStatistics
{
    private readonly ConcurrentDictionary<int, BatchCounters> _batches = new();
    private long _successCount;
    private long _successNs;
    private long _failCount;
    private long _failNs;
    private long _inferenceCount;
    private long _executionCount;
    private long _queueCount;
    private long _queueNs;
    private long _computeInputNs;
    private long _computeInferNs;
    private long _computeOutputNs;
    private long _lastInferenceMs;

    public LatencyWindow Window { get; } = new();

    public long RequestSuccess => Interlocked.Read(ref _successCount);

    public long RequestFailure => Interlocked.Read(ref _failCount);

    public long SuccessNs => Interlocked.Read(ref _successNs);

    public long FailNs => Interlocked.Read(ref _failNs);

    /// <summary>Inferences performed: each row of a batched request counts.</summary>
    public long InferenceCount => Interlocked.Read(ref _inferenceCount);

    /// <summary>Model executions: one per (dynamically formed) batch.</summary>
    public long ExecCount => Interlocked.Read(ref _executionCount);

    public long QueueCount => Interlocked.Read(ref _queueCount);

    public long QueueNs => Interlocked.Read(ref _queueNs);

    public long ComputeInputNs => Interlocked.Read(ref _computeInputNs);

    public long ComputeInferNs => Interlocked.Read(ref _computeInferNs);

    public long ComputeOutputNs => Interlocked.Read(ref _computeOutputNs);

    /// <summary>Milliseconds since the Unix epoch of the last request (0 before the first).</summary>
    public long LastInferenceMs => Interlocked.Read(ref _lastInferenceMs);

    /// <summary>Executions per batch size, in batch size order.</summary>
    public IReadOnlyList<BatchStatistics> Batches =>
        _batches.OrderBy(b => b.Key).Select(b => b.Value.Snapshot(b.Key)).ToArray();

    public void AddQueueTime(TimeSpan wait)
    {
        Interlocked.Increment(ref _queueCount);
        Interlocked.Add(ref _queueNs, Nanos(wait));
        Window.AddQueue(wait);
    }

    public void AddExecution(int rows, TimeSpan input, TimeSpan infer, TimeSpan output)
    {
        Interlocked.Increment(ref _executionCount);
        Interlocked.Add(ref _inferenceCount, rows);
        Interlocked.Add(ref _computeInputNs, Nanos(input));
        Interlocked.Add(ref _computeInferNs, Nanos(infer));
        Interlocked.Add(ref _computeOutputNs, Nanos(output));
        _batches.GetOrAdd(rows, _ => new BatchCounters()).Add(Nanos(input), Nanos(infer), Nanos(output));
    }

    public void AddRequest(bool success, TimeSpan duration, DateTimeOffset now)
    {
        if (success)
        {
            Interlocked.Increment(ref _successCount);
            Interlocked.Add(ref _successNs, Nanos(duration));
        }
        else
        {
            Interlocked.Increment(ref _failCount);
            Interlocked.Add(ref _failNs, Nanos(duration));
        }

        Interlocked.Exchange(ref _lastInferenceMs, now.ToUnixTimeMilliseconds());
        Window.AddRequest(success, duration);
    }

    private static long Nanos(TimeSpan t) => t.Ticks * 100;

    private sealed class BatchCounters
    {
        private long _count;
        private long _inputNs;
        private long _inferNs;
        private long _outputNs;

        public void Add(long input, long infer, long output)
        {
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _inputNs, input);
            Interlocked.Add(ref _inferNs, infer);
            Interlocked.Add(ref _outputNs, output);
        }

        public BatchStatistics Snapshot(int size) =>
            new(size, Interlocked.Read(ref _count), Interlocked.Read(ref _inputNs), Interlocked.Read(ref _inferNs), Interlocked.Read(ref _outputNs));
    }
}
