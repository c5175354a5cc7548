namespace WPAI.Inference.Metrics;

/// <summary>Cumulative counters of one model version, exported with Triton's metric names, plus a latency window for load reports.</summary>
public sealed class ModelStatistics
{
    private long _requestSuccess;
    private long _requestFailure;
    private long _inferenceCount;
    private long _execCount;
    private long _requestDurationUs;
    private long _queueDurationUs;
    private long _computeInputUs;
    private long _computeInferUs;
    private long _computeOutputUs;

    public LatencyWindow Window { get; } = new();

    public long RequestSuccess => Interlocked.Read(ref _requestSuccess);

    public long RequestFailure => Interlocked.Read(ref _requestFailure);

    public long InferenceCount => Interlocked.Read(ref _inferenceCount);

    public long ExecCount => Interlocked.Read(ref _execCount);

    public long RequestDurationUs => Interlocked.Read(ref _requestDurationUs);

    public long QueueDurationUs => Interlocked.Read(ref _queueDurationUs);

    public long ComputeInputUs => Interlocked.Read(ref _computeInputUs);

    public long ComputeInferUs => Interlocked.Read(ref _computeInferUs);

    public long ComputeOutputUs => Interlocked.Read(ref _computeOutputUs);

    public void AddQueueTime(TimeSpan wait)
    {
        Interlocked.Add(ref _queueDurationUs, Micros(wait));
        Window.AddQueue(wait);
    }

    public void AddExecution(int rows, TimeSpan input, TimeSpan infer, TimeSpan output)
    {
        Interlocked.Increment(ref _execCount);
        Interlocked.Add(ref _inferenceCount, rows);
        Interlocked.Add(ref _computeInputUs, Micros(input));
        Interlocked.Add(ref _computeInferUs, Micros(infer));
        Interlocked.Add(ref _computeOutputUs, Micros(output));
    }

    public void AddRequest(bool success, TimeSpan duration)
    {
        Interlocked.Increment(ref success ? ref _requestSuccess : ref _requestFailure);
        Interlocked.Add(ref _requestDurationUs, Micros(duration));
        Window.AddRequest(success, duration);
    }

    private static long Micros(TimeSpan t) => (long)(t.Ticks / 10.0);
}
