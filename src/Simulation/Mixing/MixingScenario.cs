using System.Collections.Immutable;
using System.Globalization;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts;
using WPAI.Domain.Common;
using WPAI.Simulation.Replay;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// Everything a combined (training + inference) replay needs, identical for every policy: the training workload (arrivals
/// shifted by the warm-up), which nodes start online, the inference services and their loads, and the timing.
/// </summary>
public sealed record MixingScenario(
    PreparedWorkload Workload,
    ImmutableArray<PoolSplit> Pools,
    ImmutableArray<ServicePlan> Services,
    TimeSpan Tick,
    TimeSpan WarmUp,
    TimeSpan End,
    TimeSpan Retrain,
    double PeakBusy,
    double OnlineShare,
    int ReplayedDays,
    ImmutableHashSet<string> CheckpointableJobs,
    TimeSpan CheckpointInterval)
{
    /// <summary>The QPS target per replica: 70 % of its capacity (the services' <c>expectRate</c>).</summary>
    public const double TargetUtilization = 0.7;

    /// <summary>A replica serves once it has run this long (the inference simulation's start-up delay).</summary>
    public static readonly TimeSpan StartupDelay = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The cores of one replica of a <c>cpu</c>-pool service: a few cores, as CPU model servers run, and a divisor of the
    /// openb CPU nodes' 32, 64, 96 and 104 cores, so replicas strand no core of a node.
    /// </summary>
    public const int CpuReplicaCores = 4;

    /// <summary>Nodes that start OnlineNormal (the lendable machines).</summary>
    public ImmutableHashSet<string> OnlineNodes { get; } = [.. Pools.SelectMany(p => p.OnlineNodes)];

    public int OnlineGpus => Pools.Sum(p => p.OnlineGpus);

    public int FixedGpus => Pools.Sum(p => p.FixedGpus);

    /// <summary>Nodes with GPUs (the GPU pools'), all of them and those that start online.</summary>
    public int GpuNodes => Workload.Nodes.Count(n => n.Gpus > 0);

    public int OnlineGpuNodes => Pools.Where(p => !p.IsCpu).Sum(p => p.OnlineNodes.Length);

    /// <summary>The GPU training jobs (all of them without CPU-only nodes).</summary>
    public int GpuJobs => Workload.Jobs.Count(j => j.Gpus > 0);

    /// <summary>The CPU-only nodes (the cpu pool's) and the CPU training jobs (0 GPUs); 0 without CPU-only nodes.</summary>
    public int CpuNodes => Workload.Nodes.Length - GpuNodes;

    public int CpuJobs => Workload.Jobs.Length - GpuJobs;

    /// <summary>Online cores of the CPU pools (0 without CPU-only nodes).</summary>
    public int OnlineCpuCores => Pools.Where(p => p.IsCpu).Sum(p => p.OnlineCores);

    /// <summary>Fixed cores of the CPU pools.</summary>
    public int FixedCpuCores => Pools.Where(p => p.IsCpu).Sum(p => p.FixedCores);

    /// <summary>All cores of the CPU pools (what cluster CPU usage is a fraction of).</summary>
    public int CpuCores => OnlineCpuCores + FixedCpuCores;

    /// <summary>The fleet has CPU-only nodes, and the CPU pods are training jobs of their pool.</summary>
    public bool HasCpuPool => CpuCores > 0;

    /// <summary>Reads the files and builds the scenario of <paramref name="a"/>.</summary>
    public static MixingScenario Prepare(MixingSimulationOptions a)
    {
        ArgumentNullException.ThrowIfNull(a);
        a.Validate();
        var nodes = OpenbNodeReader.Read(a.Nodes!, includeCpuNodes: true);
        var pods = OpenbPodReader.Read(a.Pods!);
        var loads = a.LoadFiles.Select(f => ReplayedLoad.Read(f, GrainReplayEngine.Origin)).ToList();
        return Prepare(Path.GetFileName(a.Pods!), nodes, pods, loads, a);
    }

    /// <summary>Builds the scenario from nodes, pods and loads already read.</summary>
    public static MixingScenario Prepare(string source, IReadOnlyList<SimNode> nodes, IReadOnlyList<SimJob> pods, IReadOnlyList<ReplayedLoad> loads, MixingSimulationOptions a)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(a);
        // The split depends only on the scaled fleet; the arrivals are then compressed so that training asks for
        // TrainingLoad × the Fixed GPUs (or the explicit --offered-load of the whole fleet). With CPU-only nodes the CPU pods
        // are training jobs of the cpu pool, their arrivals compressed apart so that they ask for TrainingLoad × the Fixed
        // cores of that pool (or --offered-load of its cores).
        var options = new WorkloadOptions(a.Seed, a.FleetScale, QuotaMode.Equal, a.MaxDuration, a.OfferedLoad) { KeepCpuOnlyJobs = true };
        var natural = WorkloadPreparer.Prepare(source, nodes, pods, options with { OfferedLoad = null });
        var splits = Split(natural, a.OnlineShare);
        var fleetGpus = natural.FleetGpus;
        var offered = a.OfferedLoad ?? (fleetGpus == 0 ? 1 : a.TrainingLoad * splits.Sum(p => p.FixedGpus) / fleetGpus);
        var cpuCores = splits.Where(p => p.IsCpu).Sum(p => p.OnlineCores + p.FixedCores);
        double? cpuOffered = cpuCores == 0 ? null : a.OfferedLoad ?? (a.TrainingLoad * splits.Where(p => p.IsCpu).Sum(p => p.FixedCores) / cpuCores);
        var prepared = WorkloadPreparer.Prepare(source, nodes, pods, options with { OfferedLoad = offered, CpuOfferedLoad = cpuOffered });
        if (a.Arrivals is { } stretch && !prepared.Jobs.IsEmpty && prepared.TimeCompression != 1)
        {
            // Only the first stretch is replayed: compress the whole trace so that the kept arrivals offer the asked load
            // (KeptArrivals); the same for the CPU jobs, whose arrivals are compressed apart.
            var gpuLoad = KeptArrivals.WholeTraceLoad([.. prepared.Jobs.Where(j => j.Gpus > 0).Select(j => (j.Submit, j.GpuSeconds))], offered, stretch, fleetGpus, offered);
            var cpuLoad = cpuOffered is { } c && prepared.CpuTimeCompression != 1
                ? KeptArrivals.WholeTraceLoad([.. prepared.Jobs.Where(j => j.Gpus == 0).Select(j => (j.Submit, j.CoreSeconds))], c, stretch, cpuCores, c)
                : cpuOffered;
            prepared = WorkloadPreparer.Prepare(source, nodes, pods, options with { OfferedLoad = gpuLoad, CpuOfferedLoad = cpuLoad });
        }

        var kept = KeptArrivals.Keep(prepared.Jobs, a.Arrivals);
        var workload = prepared with
        {
            Jobs = [.. kept.Select(j => j with { Submit = j.Submit + a.WarmUp })],
            OfferedLoad = WorkloadPreparer.OfferedLoad([.. kept.Where(j => j.Gpus > 0)], fleetGpus), // what the replayed jobs offer
            CpuOfferedLoad = WorkloadPreparer.CpuOfferedLoad([.. kept.Where(j => j.Gpus == 0)], cpuCores),
        };
        var pools = splits.ToBuilder();
        var checkpointable = workload.Jobs
            .Where(j => SeededHash.Unit(a.Seed, "checkpointable", j.Id) < a.CheckpointableShare)
            .Select(j => j.Id)
            .ToImmutableHashSet(StringComparer.Ordinal);

        var end = workload.WindowEnd + a.Drain;
        var days = Math.Max(1, (int)Math.Ceiling(end.TotalDays));

        // Each load counts equally: normalized to its median daily peak. Their sum is then scaled so that on the median day
        // its peak asks for PeakBusy of the pool's online GPUs at the target QPS per replica.
        var weights = new double[loads.Count];
        for (var f = 0; f < loads.Count; f++)
        {
            var median = MedianOf(loads[f].DailyPeaks(days));
            if (!(median > 0))
            {
                throw new Inference.LoadFileException(loads[f].File, 2, 1, "the replayed days have no load at their peaks", "Give a load file with non-zero values");
            }

            weights[f] = 1 / median;
        }

        var combinedMedianPeak = MedianOf(CombinedDailyPeaks(loads, weights, days));
        var targetQps = a.CapacityQps * TargetUtilization;
        var services = ImmutableArray.CreateBuilder<ServicePlan>();
        foreach (var split in pools.Where(p => p.OnlineGpus > 0 || (p.IsCpu && p.OnlineCores >= CpuReplicaCores)))
        {
            var onlineNodes = workload.Nodes.Where(n => split.OnlineNodes.Contains(n.Name)).ToList();

            // A GPU replica is 1 GPU with the node's CPU and memory per GPU; a CPU replica is CpuReplicaCores cores with the
            // node's memory per core. Either way the pool's online capacity in replicas is what the load is scaled to.
            var replica = split.IsCpu
                ? new Resources(0, CpuReplicaCores * 1000, onlineNodes.Min(n => n.MemoryMib / Math.Max(1, n.CpuMilli / 1000)) * CpuReplicaCores)
                : new Resources(
                    1,
                    onlineNodes.Min(n => n.CpuMilli / Math.Max(1, n.Gpus)),
                    onlineNodes.Min(n => n.MemoryMib / Math.Max(1, n.Gpus)));
            var replicas = split.IsCpu ? split.OnlineCores / CpuReplicaCores : split.OnlineGpus;
            var poolQps = a.PeakBusy * replicas * targetQps;
            for (var f = 0; f < loads.Count; f++)
            {
                var load = loads[f];
                var scaled = load.WithScale(weights[f] * poolQps / combinedMedianPeak);
                var peaks = scaled.DailyPeaks(days);
                var name = string.Create(CultureInfo.InvariantCulture, $"{load.Name}-{split.Pool}").ToLowerInvariant(); // a service id: lower case (the id rule)
                var spec = new InferenceServiceSpec(
                    name,
                    load.Name,
                    split.Pool,
                    replica,
                    a.CapacityQps,
                    MinReplicas: 1,
                    MaxReplicas: replicas,
                    ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, targetQps),
                    TimeSpan.FromMilliseconds(500),
                    0.01);
                services.Add(new ServicePlan(spec, scaled, split.OnlineGpus, MedianOf(peaks) * scaled.Scale, peaks.Max() * scaled.Scale)
                {
                    PoolOnlineCores = split.IsCpu ? split.OnlineCores : 0,
                });
            }
        }

        return new MixingScenario(
            workload, pools.ToImmutable(), services.ToImmutable(), a.Tick, a.WarmUp, end, a.Retrain, a.PeakBusy, a.OnlineShare, days, checkpointable, a.CheckpointInterval);
    }

    /// <summary>In each pool (the cpu pool too) the first ⌊share × nodes⌋ nodes by name start online, the rest Fixed.</summary>
    private static ImmutableArray<PoolSplit> Split(PreparedWorkload workload, double share)
    {
        var pools = ImmutableArray.CreateBuilder<PoolSplit>();
        foreach (var pool in workload.Pools)
        {
            var inPool = workload.Nodes.Where(n => n.Pool == pool).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
            var online = (int)Math.Floor(inPool.Count * share);
            pools.Add(new PoolSplit(
                pool,
                [.. inPool.Take(online).Select(n => n.Name)],
                inPool.Take(online).Sum(n => n.Gpus),
                [.. inPool.Skip(online).Select(n => n.Name)],
                inPool.Skip(online).Sum(n => n.Gpus))
            {
                OnlineCores = inPool.Take(online).Sum(n => n.CpuMilli / 1000),
                FixedCores = inPool.Skip(online).Sum(n => n.CpuMilli / 1000),
            });
        }

        return pools.ToImmutable();
    }

    /// <summary>The highest weighted sum of the loads of each virtual day, sampled every 5 minutes.</summary>
    private static double[] CombinedDailyPeaks(IReadOnlyList<ReplayedLoad> loads, double[] weights, int days)
    {
        var peaks = new double[days];
        for (var d = 0; d < days; d++)
        {
            for (var m = 0; m < 24 * 60; m += 5)
            {
                var t = TimeSpan.FromDays(d) + TimeSpan.FromMinutes(m);
                var sum = 0.0;
                for (var f = 0; f < loads.Count; f++)
                {
                    sum += loads[f].Raw(t) * weights[f];
                }

                peaks[d] = Math.Max(peaks[d], sum);
            }
        }

        return peaks;
    }

    private static double MedianOf(IEnumerable<double> values) => Percentile.Interpolated([.. values.Order()], 0.5);
}
