using System.Diagnostics;
using WPAI.Inference.Metrics;
using WPAI.Inference.Models;

namespace WPAI.Inference.Load;

/// <summary>Turns the repository's latency windows and the process CPU time into one <see cref="LoadSnapshot"/> per interval.</summary>
public sealed class LoadSnapshotCollector(ModelRepository repository, TimeProvider timeProvider)
{
    private long _lastTimestamp = timeProvider.GetTimestamp();
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;

    public LoadSnapshot Collect()
    {
        var now = timeProvider.GetTimestamp();
        var interval = timeProvider.GetElapsedTime(_lastTimestamp, now);
        _lastTimestamp = now;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var cpuUsed = cpu - _lastCpu;
        _lastCpu = cpu;

        var samples = repository.AllVersions.Select(v => v.Statistics.Window.TakeAndReset()).Where(s => s.Requests > 0).ToArray();
        var requests = samples.Sum(s => s.Requests);
        var errors = samples.Sum(s => s.Errors);
        double Weighted(Func<WindowSample, double> f) => requests == 0 ? 0 : samples.Sum(s => f(s) * s.Requests) / requests;
        var seconds = Math.Max(interval.TotalSeconds, 1e-9);
        return new LoadSnapshot(
            timeProvider.GetUtcNow(),
            interval,
            requests / seconds,
            Weighted(s => s.P50Ms),
            Weighted(s => s.P95Ms),
            samples.Length == 0 ? 0 : samples.Max(s => s.P99Ms),
            Weighted(s => s.MeanQueueMs),
            requests,
            errors,
            requests == 0 ? 0 : (double)errors / requests,
            Math.Clamp(cpuUsed.TotalSeconds / seconds / Environment.ProcessorCount, 0, 1),
            null);
    }
}
