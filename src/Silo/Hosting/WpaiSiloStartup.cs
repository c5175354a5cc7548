using Orleans.Runtime;
using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Ports;
using WPAI.Silo.Driver;

namespace WPAI.Silo.Hosting;

/// <summary>
/// When a silo becomes active: wakes every pool scheduler (each rebuilds its view from its nodes and schedules its
/// persisted queue) and, with the simulated driver, re-attaches the runs of jobs that were running before a restart.
/// A failure (storage unavailable) is not swallowed: it is counted in <see cref="RunRecovery"/> (health endpoint,
/// <c>wpai doctor</c>) and the whole start-up, which is idempotent, is retried with back-off until it succeeds.
/// Mixing controllers, inference services and node agent grains are not woken here: their reminders bring them back
/// (docs/architecture.md, "Time and wake-ups").
/// </summary>
public sealed partial class WpaiSiloStartup(
    IGrainFactory grains,
    IClusterDriver driver,
    RunRecovery recovery,
    [FromKeyedServices(WpaiCluster.ClockKey)] TimeProvider clock,
    ILogger<WpaiSiloStartup> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const int FanOut = 32;
    private readonly CancellationTokenSource _stopping = new();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WpaiSiloStartup), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task StartAsync(CancellationToken cancellationToken) => AttemptAsync(1);

    private Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    private async Task AttemptAsync(int attempt)
    {
        try
        {
            await WakeAndReattachAsync();
            recovery.ReattachDone();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            recovery.ReattachFailed(ex);
            var delay = RunRecovery.Delay(attempt);
            LogStartFailed(logger, ex, attempt, delay);
            _ = RetryAsync(attempt + 1, delay);
        }
    }

    private async Task RetryAsync(int attempt, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, clock, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return; // the silo is stopping
        }

        await AttemptAsync(attempt);
    }

    private async Task WakeAndReattachAsync()
    {
        var fleet = await grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        foreach (var pool in fleet.NodesByPool.Keys)
        {
            await grains.GetGrain<IPoolSchedulerGrain>(pool).GetAsync();
        }

        var resumed = 0;
        if (driver is SimulatedClusterDriver simulated)
        {
            foreach (var chunk in fleet.Departments.Chunk(FanOut))
            {
                var departments = await Task.WhenAll(chunk.Select(d => grains.GetGrain<IDepartmentGrain>(d).GetAsync()));
                foreach (var jobs in departments.SelectMany(d => d.Running).Chunk(FanOut))
                {
                    foreach (var job in await Task.WhenAll(jobs.Select(r => grains.GetGrain<IJobGrain>(r.JobId).GetAsync())))
                    {
                        if (job is { Status: JobStatus.Running, Placement: { } placement })
                        {
                            simulated.Resume(job.Spec with { Gpus = job.Requested.Gpus, CpuMilli = job.Requested.CpuMilli }, placement);
                            resumed++;
                        }
                    }
                }
            }
        }

        LogStarted(logger, fleet.NodesByPool.Count, resumed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WPAI started: {Pools} pool schedulers woken, {Resumed} running jobs re-attached to the simulated driver")]
    private static partial void LogStarted(ILogger logger, int pools, int resumed);

    [LoggerMessage(Level = LogLevel.Error, Message = "WPAI start-up could not wake the schedulers or re-attach running jobs (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, int attempt, TimeSpan delay);
}
