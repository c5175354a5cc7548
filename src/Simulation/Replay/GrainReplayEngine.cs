using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Storage;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Abstractions.Grains;
using WPAI.Abstractions.Hosting;
using WPAI.Abstractions.Ports;
using WPAI.Domain.Scheduling;
using WPAI.Grains.Scheduling;
using SchedulingOptions = WPAI.Domain.Scheduling.SchedulingOptions;
using PlacementStrategy = WPAI.Domain.Scheduling.PlacementStrategy;
using EventLog = WPAI.Simulation.Metrics.EventLog;
using WPAI.Silo.Hosting;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Replay;

/// <summary>
/// Replays a workload through WPAI's real grains in an in-process silo (localhost clustering on free loopback ports,
/// in-memory storage, <see cref="VirtualClock"/> as the grains' clock, <see cref="ReplayClusterDriver"/> as the cluster
/// driver, scheduling passes run by the loop). The loop takes the next event time (completion or arrival), moves the
/// clock there, completes the runs due (job id order), submits the arrivals (trace order), then runs
/// a pass on every pool in a fixed order until a round places nothing. Each pass waits until its pool has applied every
/// one-way message the silo sent it (<see cref="PassAfterDeliveryAsync"/>), so a loaded thread pool cannot reorder a
/// job's end or a node's change after the pass. No sleeping, no wall-clock timers. <paramref name="configureSilo"/> adds
/// services to the replay's silo (a test's call filter).
/// The silo starts while the workload is still being prepared (<see cref="RunAsync(Task{PreparedWorkload}, PolicyPreset, IProgress{double}?, CancellationToken)"/>),
/// and it stops after the result is returned, without deactivating its grains (their state is the replay's memory,
/// dropped with the silo): the next replay, or <see cref="DisposeAsync"/>, waits for that stop.
/// </summary>
public sealed class GrainReplayEngine(Action<string>? trace = null, Action<IServiceCollection>? configureSilo = null) : IReplayEngine, IAsyncDisposable
{
    /// <summary>Virtual time zero of every replay.</summary>
    public static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int MaxPassRounds = 8;
    private const int SetupFanOut = 64;

    /// <summary>How long a pass waits for the one-way messages its pool is owed before the replay fails.</summary>
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A replay on a busy machine can starve a grain turn for longer than Orleans' 30 s default; a call that timed out
    /// inside a pass would leave its placement uncertain and change the decisions, so calls wait this long.
    /// </summary>
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The stop of the last replay's silo, still under way after its result was returned.</summary>
    private Task _stopping = Task.CompletedTask;

    public Task<ReplayResult> RunAsync(PreparedWorkload workload, PolicyPreset policy, IProgress<double>? progress, CancellationToken cancellationToken) =>
        RunAsync(Task.FromResult(workload), policy, progress, cancellationToken);

    public async Task<ReplayResult> RunAsync(Task<PreparedWorkload> preparing, PolicyPreset policy, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preparing);
        await _stopping;
        var wall = Stopwatch.StartNew();
        var clock = new VirtualClock(Origin);
        var log = new EventLog();
        var jobs = new Dictionary<string, SimJob>(StringComparer.Ordinal); // filled once the workload is ready, before any job runs
        var driver = new ReplayClusterDriver(clock, log, jobs);
        var host = BuildHost(clock, driver, policy, configureSilo);
        ReplayResult result;
        try
        {
            await host.StartAsync(cancellationToken);
            var workload = await preparing;
            foreach (var job in workload.Jobs)
            {
                jobs.Add(job.Id, job);
            }

            // Counted from here: the preparation may still have been allocating on another thread while the silo started.
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            await SetUpAsync(grains, workload);
            var outbox = host.Services.GetRequiredService<PoolOutbox>();
            var events = await LoopAsync(grains, outbox, workload, jobs, clock, driver, progress, trace, cancellationToken);
            result = new ReplayResult(log, events, wall.Elapsed.TotalSeconds, driver.Rejections, driver.FirstRejection, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
        }
        catch
        {
            await StopAsync(host);
            throw;
        }

        _stopping = StopAsync(host);
        return result;
    }

    /// <summary>Waits until the last replay's silo has stopped.</summary>
    public async ValueTask DisposeAsync() => await _stopping;

    /// <summary>
    /// Stops a replay's silo without deactivating its grains (a cancelled token is Orleans' non-graceful stop): nothing
    /// of their state outlives the replay, and deactivating thousands of job grains only costs time.
    /// </summary>
    private static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync(new CancellationToken(canceled: true));
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>The scheduling options of a policy preset (passes run by the replay loop).</summary>
    public static void Apply(PolicyPreset policy, SchedulingOptions options)
    {
        options.Quotas = policy.Quotas;
        options.Borrowing = policy.Borrowing;
        options.Order = policy.Order == QueueOrderKind.Fifo ? QueueOrder.Fifo : QueueOrder.Score;
        options.HeadOfLineBlocking = policy.HeadOfLineBlocking;
        options.Fallback = policy.Fallback;
        options.RightSizing = policy.RightSizing;
        options.Preemption = policy.Preemption;
        options.Placement = policy.Placement == PlacementKind.FirstFit ? PlacementStrategy.FirstFit : PlacementStrategy.BestFit;
        options.UtilizationPenaltyWeight = policy.Penalty ? options.UtilizationPenaltyWeight : 0;
        options.MaxWaitBonus = policy.Aging ? options.MaxWaitBonus : 0;
        options.Victims = policy.Victims switch
        {
            VictimKind.ReclaimWithinCohort => VictimRule.ReclaimWithinCohort,
            VictimKind.LeastLostWork => VictimRule.LeastLostWork,
            _ => VictimRule.LowestScore,
        };
        options.PreemptionDelay = policy.PreemptionDelay;
        options.AgeOrdersPastCap = policy.AgePastCap;
        options.Reservation = policy.ReservationAfter is not null;
        options.ReservationAfter = policy.ReservationAfter ?? options.ReservationAfter;
        options.Backfill = policy.Backfill;
        options.TryNextPoolBeforePreempting = policy.TryNextPoolBeforePreempting;
        options.KeepReservation = policy.KeepReservation;
        options.WeighWaitAgainstLostWork = policy.WeighWaitAgainstLostWork;
        options.WeighQueueBehind = policy.WeighQueueBehind;
        options.WeighWaitPerJob = policy.WeighWaitPerJob;
        options.LeaveRoomForOwners = policy.LeaveRoomForOwners;
        options.AutoPass = false;
    }

    /// <summary>The in-process silo of a replay; <paramref name="configure"/> adds or overrides services (the mixing replay's inference settings).</summary>
    internal static IHost BuildHost(VirtualClock clock, ReplayClusterDriver driver, PolicyPreset policy, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>(); // Ctrl+C and SIGTERM end the command, not only this host
        builder.Services.AddKeyedSingleton<TimeProvider>(WpaiCluster.ClockKey, clock);
        builder.Services.AddSingleton<IClusterDriver>(driver);
        builder.Services.AddKeyedSingleton<IGrainStorage>(WpaiCluster.StorageProvider, new ReplayGrainStorage());
        builder.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        configure?.Invoke(builder.Services);
        var (siloPort, gatewayPort) = FreePorts();
        var ownFilters = builder.Services.Where(d => d.ServiceType == typeof(IIncomingGrainCallFilter)).ToHashSet();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: WpaiCluster.ServiceId, clusterId: "wpai-sim-" + Guid.NewGuid().ToString("N")[..8]);
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(6));
            silo.AddWpaiGrains(o => Apply(policy, o));
        });

        // The replay's storage (ReplayGrainStorage) keeps states in memory and never fails, so the storage-failure call
        // filter AddWpaiGrains installs has nothing to do here; without an incoming filter Orleans invokes each grain
        // method directly instead of through a filter chain (an invoker, two async frames and their continuations per
        // call). Filters the caller adds (configure) stay.
        foreach (var added in builder.Services.Where(d => d.ServiceType == typeof(IIncomingGrainCallFilter) && !ownFilters.Contains(d)).ToList())
        {
            builder.Services.Remove(added);
        }

        return builder.Build();
    }

    /// <summary>Registers the nodes (Fixed unless <paramref name="modeOf"/> says otherwise) and sets the departments' quotas.</summary>
    internal static async Task SetUpAsync(IGrainFactory grains, PreparedWorkload workload, Func<SimNode, NodeMode>? modeOf = null)
    {
        foreach (var chunk in workload.Nodes.Chunk(SetupFanOut))
        {
            await Task.WhenAll(chunk.Select(n =>
                grains.GetGrain<INodeGrain>(n.Name).RegisterAsync(new NodeSpec(n.Name, n.Pool, n.Gpus, n.CpuMilli, n.MemoryMib), modeOf?.Invoke(n) ?? NodeMode.Fixed)));
        }

        foreach (var department in workload.Departments)
        {
            var quotas = workload.Quotas.ToImmutableDictionary(q => q.Key, q => q.Value.GetValueOrDefault(department), StringComparer.Ordinal);
            await grains.GetGrain<IDepartmentGrain>(department).SetQuotaAsync(quotas);
        }
    }

    private static async Task<long> LoopAsync(
        IGrainFactory grains, PoolOutbox outbox, PreparedWorkload workload, Dictionary<string, SimJob> jobs, VirtualClock clock, ReplayClusterDriver driver, IProgress<double>? progress, Action<string>? trace, CancellationToken cancellationToken)
    {
        var arrivals = workload.Jobs;
        var pools = workload.Pools;
        var next = 0;
        long events = 0;
        var reported = -1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var completion = driver.NextCompletion();
            var arrival = next < arrivals.Length ? arrivals[next].Submit : (TimeSpan?)null;
            if (completion is null && arrival is null)
            {
                break;
            }

            var at = completion is null ? arrival!.Value : arrival is null ? completion.Value : completion.Value <= arrival.Value ? completion.Value : arrival.Value;
            clock.AdvanceTo(at);
            trace?.Invoke(FormattableString.Invariant($"t={at.TotalSeconds}s next arrival {next}"));

            foreach (var done in driver.TakeDue(at))
            {
                var job = jobs[done.JobId];
                var grain = grains.GetGrain<IJobGrain>(done.JobId);
                var gpuUtilization = RunTimeModel.GpuUtilizationOn(job, done.Gpus);
                trace?.Invoke("complete " + done.JobId);
                await grain.CompleteWithUsageAsync(done.Attempt, succeeded: true, "completed", [new UsageSample(clock.GetUtcNow(), gpuUtilization, gpuUtilization, job.CpuMilli * job.CpuUtilization)]);
                events++;
            }

            while (next < arrivals.Length && arrivals[next].Submit == at)
            {
                trace?.Invoke("submit " + arrivals[next].Id);
                await SubmitAsync(grains, arrivals[next], driver, at);
                next++;
                events++;
            }

            for (var round = 0; round < MaxPassRounds; round++)
            {
                var placed = 0;
                foreach (var pool in pools)
                {
                    trace?.Invoke("pass " + pool);
                    placed += await PassAfterDeliveryAsync(grains, outbox, pool);
                }

                if (placed == 0)
                {
                    break;
                }
            }

            var percent = (int)(100L * next / Math.Max(1, arrivals.Length));
            if (percent != reported)
            {
                reported = percent;
                progress?.Report(percent / 100.0);
            }
        }

        return events;
    }

    /// <summary>
    /// Runs a pass on <paramref name="pool"/> once it has applied every one-way message this silo sent it so far (a
    /// job's end with the node's freed capacity, a node's change, a queue entry dropped or offered on): the same
    /// replay gives the same decisions however the thread pool delays those messages. Costs one call when nothing is in
    /// flight, three when the pool must wait, none when the pool is idle (<see cref="PoolOutbox.IsIdle"/>: its last pass
    /// left nothing to do and nothing has reached it or been sent to it since, so a pass would plan nothing).
    /// </summary>
    internal static async Task<int> PassAfterDeliveryAsync(IGrainFactory grains, PoolOutbox outbox, string pool)
    {
        if (outbox.IsIdle(pool))
        {
            return 0;
        }

        var scheduler = grains.GetGrain<IPoolSchedulerGrain>(pool);
        var watermark = outbox.Watermark(pool);
        if (await scheduler.RunPassAfterAsync(watermark) is { } placed)
        {
            return placed;
        }

        await scheduler.AwaitDeliveredAsync(watermark, DeliveryTimeout);
        return await scheduler.RunPassAfterAsync(watermark)
            ?? throw new InvalidOperationException($"Pool {pool} reported the messages up to {watermark.Sequence} applied, then not applied.");
    }

    /// <summary>Submits one job to its grain, recording the submission (or the platform's rejection) with the driver.</summary>
    internal static async Task SubmitAsync(IGrainFactory grains, SimJob job, ReplayClusterDriver driver, TimeSpan at, bool checkpointable = false)
    {
        driver.Submitted(at, job.Id);
        var spec = new JobSpec(
            job.Id,
            job.Department,
            job.GpuModels,
            job.Gpus,
            job.CpuMilli,
            job.MemoryMib,
            job.Declared,
            Template: job.Template,
            Workload: new WorkloadProfile(job.GpuUtilization, job.GpuUtilization, job.CpuUtilization, Math.Min(1, job.CpuUtilization * 1.25)),
            Checkpointable: checkpointable);
        try
        {
            await grains.GetGrain<IJobGrain>(job.Id).SubmitAsync(spec);
        }
        catch (WpaiValidationException ex)
        {
            driver.Rejected(at, job.Id, ex.Message);
        }
    }

    private static (int Silo, int Gateway) FreePorts()
    {
        using var a = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        using var b = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        var ports = (((System.Net.IPEndPoint)a.LocalEndpoint).Port, ((System.Net.IPEndPoint)b.LocalEndpoint).Port);
        a.Stop();
        b.Stop();
        return ports;
    }
}
