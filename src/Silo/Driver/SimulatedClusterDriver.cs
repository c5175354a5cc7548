using System.Collections.Concurrent;
using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Ports;

namespace WPAI.Silo.Driver;

/// <summary>
/// The embedded default driver: a placed job "runs" for its spec's duration (× <see cref="SimulatedDriverOptions.TimeScale"/>)
/// on the grains' clock, reports usage samples from its workload profile, then completes and so releases its allocation.
/// </summary>
public sealed partial class SimulatedClusterDriver(
    IGrainFactory grains,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<SimulatedDriverOptions> options,
    ILogger<SimulatedClusterDriver> logger) : IClusterDriver, IDisposable
{
    private readonly ConcurrentDictionary<(string JobId, int Attempt), ITimer> _runs = new();

    public Task StartAsync(JobSpec spec, Placement placement, CancellationToken cancellationToken = default)
    {
        var key = (spec.JobId, placement.Attempt);
        var runTime = TimeSpan.FromTicks(Math.Max(1, (long)(spec.Duration.Ticks * options.Value.TimeScale)));
        var timer = clock.CreateTimer(_ => _ = FinishAsync(spec, placement.Attempt), null, runTime, Timeout.InfiniteTimeSpan);
        if (!_runs.TryAdd(key, timer))
        {
            timer.Dispose();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(string jobId, int attempt, CancellationToken cancellationToken = default)
    {
        if (_runs.TryRemove((jobId, attempt), out var timer))
        {
            timer.Dispose();
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var timer in _runs.Values)
        {
            timer.Dispose();
        }

        _runs.Clear();
    }

    private async Task FinishAsync(JobSpec spec, int attempt)
    {
        if (!_runs.TryRemove((spec.JobId, attempt), out var timer))
        {
            return;
        }

        timer.Dispose();
        try
        {
            var job = grains.GetGrain<IJobGrain>(spec.JobId);
            var profile = spec.Workload ?? WorkloadProfile.Default;
            var now = clock.GetUtcNow();
            foreach (var cpu in CpuSamples(profile, spec.CpuMilli, options.Value.SamplesPerRun))
            {
                await job.ReportUsageAsync(new UsageSample(now, profile.GpuUtilization, profile.GpuMemoryFraction, cpu));
            }

            await job.CompleteAsync(attempt, succeeded: true, "completed");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogCompletionFailed(logger, ex, spec.JobId, attempt);
        }
    }

    /// <summary>n CPU samples (millicores) whose mean is the profile's average and whose maximum is its peak.</summary>
    public static IReadOnlyList<double> CpuSamples(WorkloadProfile profile, int cpuMilli, int count)
    {
        var average = profile.CpuAverage * cpuMilli;
        var peak = Math.Max(profile.CpuPeak, profile.CpuAverage) * cpuMilli;
        if (count == 1)
        {
            return [average];
        }

        var rest = Math.Max(0, ((count * average) - peak) / (count - 1));
        return [.. Enumerable.Repeat(rest, count - 1), peak];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Simulated run of {JobId} (attempt {Attempt}) could not report its completion")]
    private static partial void LogCompletionFailed(ILogger logger, Exception exception, string jobId, int attempt);
}
