using Orleans.Runtime;
using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Ports;
using WPAI.Silo.Driver;

namespace WPAI.Silo.Hosting;

/// <summary>
/// When a silo becomes active: wakes every pool scheduler (each rebuilds its view from its nodes and schedules its
/// persisted queue) and, with the simulated driver, re-attaches the runs of jobs that were running before a restart.
/// Mixing controllers, inference services and node agent grains are not woken here: their reminders bring them back
/// (docs/architecture.md, "Time and wake-ups").
/// </summary>
public sealed partial class WpaiSiloStartup(
    IGrainFactory grains,
    IClusterDriver driver,
    ILogger<WpaiSiloStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int FanOut = 32;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WpaiSiloStartup), ServiceLifecycleStage.Active, StartAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
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
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStartFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WPAI started: {Pools} pool schedulers woken, {Resumed} running jobs re-attached to the simulated driver")]
    private static partial void LogStarted(ILogger logger, int pools, int resumed);

    [LoggerMessage(Level = LogLevel.Error, Message = "WPAI start-up could not wake the schedulers or re-attach running jobs")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
