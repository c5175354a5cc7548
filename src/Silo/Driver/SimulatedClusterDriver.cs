using System.Collections.Concurrent;
using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Ports;
using WPAI.Silo.Hosting;

namespace WPAI.Silo.Driver;

/// <summary>
/// The embedded default driver: a placed job "runs" for its spec's duration (× <see cref="SimulatedDriverOptions.TimeScale"/>)
/// on the grains' clock, reports usage samples from its workload profile, then completes and so releases its allocation.
/// </summary>
public sealed partial class SimulatedClusterDriver(
    IGrainFactory grains,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    IOptions<SimulatedDriverOptions> options,
    RunRecovery recovery,
    ILogger<SimulatedClusterDriver> logger) : IClusterDriver, IDisposable
{
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(30);

    private readonly ConcurrentDictionary<(string JobId, int Attempt), ITimer> _runs = new();

    public Task StartAsync(JobSpec spec, Placement placement, CancellationToken cancellationToken = default)
    {
        Arm(spec, placement.Attempt, clock.GetUtcNow() + RunTime(spec));
        return Task.CompletedTask;
    }

    /// <summary>Re-attaches a run that was started before this process (after a silo restart): it ends when it would have.</summary>
    public void Resume(JobSpec spec, Placement placement) => Arm(spec, placement.Attempt, placement.StartedAt + RunTime(spec));

    private TimeSpan RunTime(JobSpec spec) =>
        TimeSpan.FromTicks(Math.Max(1, (long)Math.Min(spec.Duration.Ticks * options.Value.TimeScale, TimeSpan.MaxValue.Ticks / 2)));

    private void Arm(JobSpec spec, int attempt, DateTimeOffset end)
    {
        var key = (spec.JobId, attempt);
        var runTime = end - clock.GetUtcNow();
        if (runTime <= TimeSpan.Zero)
        {
            runTime = TimeSpan.FromTicks(1);
        }

        var timer = clock.CreateTimer(_ => OnTimer(spec, attempt, end), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_runs.TryAdd(key, timer))
        {
            timer.Change(NextWake(runTime), Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer.Dispose();
        }
    }

    /// <summary>Timers cannot wait longer than about 49 days: long runs wake up and re-arm until their end.</summary>
    private static TimeSpan NextWake(TimeSpan remaining) => remaining < MaxTimerWait ? remaining : MaxTimerWait;

    private void OnTimer(JobSpec spec, int attempt, DateTimeOffset end)
    {
        var remaining = end - clock.GetUtcNow();
        if (remaining > TimeSpan.Zero && _runs.TryGetValue((spec.JobId, attempt), out var timer))
        {
            timer.Change(NextWake(remaining), Timeout.InfiniteTimeSpan);
            return;
        }

        _ = FinishAsync(spec, attempt);
    }

    public Task StopAsync(string jobId, int attempt, CancellationToken cancellationToken = default)
    {
        if (_runs.TryRemove((jobId, attempt), out var timer))
        {
            timer.Dispose();
        }

        recovery.CompletionDone(jobId, attempt); // a stopped run needs no completion
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

    /// <summary>
    /// Reports the end of the run to its job, which releases the GPUs. A failure (a storage blip) is never dropped:
    /// the run stays counted in <see cref="RunRecovery"/> and is retried with back-off until the job has recorded it.
    /// </summary>
    private async Task FinishAsync(JobSpec spec, int attempt)
    {
        if (!_runs.TryRemove((spec.JobId, attempt), out var timer))
        {
            return;
        }

        timer.Dispose();
        await TryFinishAsync(spec, attempt, failures: 0);
    }

    private async Task TryFinishAsync(JobSpec spec, int attempt, int failures)
    {
        try
        {
            var job = grains.GetGrain<IJobGrain>(spec.JobId);
            var profile = spec.Workload ?? WorkloadProfile.Default;
            var now = clock.GetUtcNow();
            await job.CompleteWithUsageAsync(attempt, succeeded: true, "completed", [.. CpuSamples(profile, spec.CpuMilli, options.Value.SamplesPerRun)
                .Select(cpu => new UsageSample(now, profile.GpuUtilization, profile.GpuMemoryFraction, cpu))]);
            recovery.CompletionDone(spec.JobId, attempt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failures++;
            var delay = RunRecovery.Delay(failures);
            LogCompletionFailed(logger, ex, spec.JobId, attempt, failures, delay);
            recovery.CompletionFailed(spec.JobId, attempt, ex);
            RetryLater(spec, attempt, failures, delay);
        }
    }

    /// <summary>A one-shot timer on the grains' clock; the retry is keyed like the run, so a stop cancels it.</summary>
    private void RetryLater(JobSpec spec, int attempt, int failures, TimeSpan delay)
    {
        var key = (spec.JobId, attempt);
        ITimer? retry = null;
        retry = clock.CreateTimer(
            _ =>
            {
                if (_runs.TryRemove(key, out var self))
                {
                    self.Dispose();
                    _ = TryFinishAsync(spec, attempt, failures);
                }
            },
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        if (_runs.TryAdd(key, retry))
        {
            retry.Change(delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            retry.Dispose();
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Simulated run of {JobId} (attempt {Attempt}) ended but could not report its completion (failure {Failures}); its GPUs stay held; retrying in {Delay}")]
    private static partial void LogCompletionFailed(ILogger logger, Exception exception, string jobId, int attempt, int failures, TimeSpan delay);
}
