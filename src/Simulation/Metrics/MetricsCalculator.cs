using System.Collections.Immutable;
using WPAI.Domain.Common;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Metrics;

/// <summary>
/// Computes <see cref="RunMetrics"/> from a run's <see cref="EventLog"/> and its workload. Definitions:
/// <list type="bullet">
/// <item>window W = [first arrival, last arrival]; allocations and utilizations are time integrals over W divided by capacity × |W|;</item>
/// <item>GPU utilization of a running job = min(GPUs given, GPUs asked × its GPU utilization); CPU likewise;</item>
/// <item>wait = first start − submit; a job that never started counts with (end of the run − submit), and is counted in JobsNeverStarted;</item>
/// <item>JCT = completion − submit over completed jobs; percentiles are nearest-rank (the ⌈p·n⌉-th smallest);</item>
/// <item>JobsCompleted counts completions inside W; backlog = GPU-hours (GPUs × duration) of jobs pending at the end of W;</item>
/// <item>fallback placement = a start on a pool other than the job's first acceptable model;</item>
/// <item>fragmentation = free GPUs on nodes whose free GPUs are fewer than the smallest pending GPU job that accepts that pool,
/// sampled after each event time and averaged over W (as GPUs and as a fraction of capacity);</item>
/// <item>makespan = last completion − first arrival;</item>
/// <item>right-sized starts = starts given fewer GPUs than the job asked (CPU right-sized: less CPU than asked); stretched starts = those given fewer than it uses
/// (<see cref="RunTimeModel"/>: such a run takes longer).</item>
/// </list>
/// </summary>
public static class MetricsCalculator
{
    public const int SeriesBuckets = 200;

    public static RunMetrics Compute(PreparedWorkload workload, EventLog log, string policy, double wallSeconds, long eventCount)
    {
        var jobs = workload.Jobs.ToDictionary(j => j.Id, StringComparer.Ordinal);
        var w0 = workload.WindowStart.TotalSeconds;
        var w1 = workload.WindowEnd.TotalSeconds;
        var window = Math.Max(w1 - w0, 0);
        var fleetGpus = workload.FleetGpus;
        var fleetCpu = (double)workload.FleetCpuMilli;

        var poolIndex = workload.Pools.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var poolCount = workload.Pools.Length;
        var poolGpus = new int[poolCount];
        var nodeFree = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodePool = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxGpus = workload.Nodes.IsEmpty ? 0 : workload.Nodes.Max(n => n.Gpus);
        var freeHistogram = new int[poolCount][];
        for (var p = 0; p < poolCount; p++)
        {
            freeHistogram[p] = new int[maxGpus + 1];
        }

        foreach (var node in workload.Nodes)
        {
            var p = poolIndex[node.Pool];
            nodeFree[node.Name] = node.Gpus;
            nodePool[node.Name] = p;
            poolGpus[p] += node.Gpus;
            freeHistogram[p][node.Gpus]++;
        }

        var pendingSizes = new SortedDictionary<int, int>[poolCount];
        for (var p = 0; p < poolCount; p++)
        {
            pendingSizes[p] = [];
        }

        var running = new Dictionary<string, RunEvent>(StringComparer.Ordinal);
        var pending = new HashSet<string>(StringComparer.Ordinal);
        var submitted = new Dictionary<string, double>(StringComparer.Ordinal);
        var firstStart = new Dictionary<string, double>(StringComparer.Ordinal);
        var completedAt = new Dictionary<string, double>(StringComparer.Ordinal);

        double allocGpu = 0, usedGpu = 0, allocCpu = 0, usedCpu = 0, fragmented = 0;
        var poolAlloc = new double[poolCount];
        var poolUsed = new double[poolCount];
        double intAllocGpu = 0, intUsedGpu = 0, intAllocCpu = 0, intUsedCpu = 0, intFragmented = 0;
        var intPoolAlloc = new double[poolCount];
        var intPoolUsed = new double[poolCount];
        var bucketWidth = window / SeriesBuckets;
        var buckets = new double[SeriesBuckets];

        var preemptions = 0;
        var fallbacks = 0;
        var completedInWindow = 0;
        double? backlog = null;
        var last = w0;
        var endOfRun = log.Events.Count == 0 ? w1 : Math.Max(w1, log.Events[^1].At.TotalSeconds);

        void Advance(double to)
        {
            var from = Math.Max(last, w0);
            var until = Math.Min(to, w1);
            if (until > from)
            {
                var dt = until - from;
                intAllocGpu += allocGpu * dt;
                intUsedGpu += usedGpu * dt;
                intAllocCpu += allocCpu * dt;
                intUsedCpu += usedCpu * dt;
                intFragmented += fragmented * dt;
                for (var p = 0; p < poolCount; p++)
                {
                    intPoolAlloc[p] += poolAlloc[p] * dt;
                    intPoolUsed[p] += poolUsed[p] * dt;
                }

                if (bucketWidth > 0)
                {
                    var t = from;
                    var b = Math.Min((int)((t - w0) / bucketWidth), SeriesBuckets - 1);
                    while (t < until)
                    {
                        var bucketEnd = b >= SeriesBuckets - 1 ? until : Math.Min(until, w0 + ((b + 1) * bucketWidth));
                        if (bucketEnd > t)
                        {
                            buckets[b] += allocGpu * (bucketEnd - t);
                            t = bucketEnd;
                        }

                        b = Math.Min(b + 1, SeriesBuckets - 1);
                    }
                }
            }

            last = Math.Max(last, to);
        }

        void SetPending(SimJob job, bool on)
        {
            if (on ? !pending.Add(job.Id) : !pending.Remove(job.Id))
            {
                return;
            }

            if (job.Gpus == 0)
            {
                return;
            }

            foreach (var model in job.GpuModels)
            {
                if (!poolIndex.TryGetValue(model, out var p))
                {
                    continue;
                }

                var sizes = pendingSizes[p];
                sizes.TryGetValue(job.Gpus, out var count);
                count += on ? 1 : -1;
                if (count == 0)
                {
                    sizes.Remove(job.Gpus);
                }
                else
                {
                    sizes[job.Gpus] = count;
                }
            }
        }

        void NodeFreeChanged(string node, int delta)
        {
            var p = nodePool[node];
            var free = nodeFree[node];
            freeHistogram[p][free]--;
            free += delta;
            if (free < 0)
            {
                throw new InvalidOperationException($"Node {node} over-committed in the event log (free GPUs {free}).");
            }

            nodeFree[node] = free;
            freeHistogram[p][free]++;
        }

        double Fragmented()
        {
            double total = 0;
            for (var p = 0; p < poolCount; p++)
            {
                var sizes = pendingSizes[p];
                if (sizes.Count == 0)
                {
                    continue;
                }

                var smallest = sizes.Keys.First();
                for (var f = 1; f < smallest && f <= maxGpus; f++)
                {
                    total += f * freeHistogram[p][f];
                }
            }

            return total;
        }

        double UsedGpu(RunEvent start, SimJob job) => Math.Min(start.Gpus, job.Gpus * job.GpuUtilization);

        double UsedCpu(RunEvent start, SimJob job) => Math.Min(start.CpuMilli, job.CpuMilli * job.CpuUtilization);

        var events = log.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var t = e.At.TotalSeconds;
            if (backlog is null && t > w1)
            {
                backlog = Backlog();
            }

            Advance(t);
            if (!jobs.TryGetValue(e.JobId, out var job))
            {
                throw new InvalidOperationException($"The event log names job '{e.JobId}', which is not in the workload.");
            }

            switch (e.Kind)
            {
                case RunEventKind.Submitted:
                    submitted.TryAdd(e.JobId, t);
                    SetPending(job, true);
                    break;
                case RunEventKind.Started:
                    SetPending(job, false);
                    running[e.JobId] = e;
                    firstStart.TryAdd(e.JobId, t);
                    if (e.Pool != job.GpuModels.FirstOrDefault())
                    {
                        fallbacks++;
                    }

                    allocGpu += e.Gpus;
                    allocCpu += e.CpuMilli;
                    usedGpu += UsedGpu(e, job);
                    usedCpu += UsedCpu(e, job);
                    if (e.Pool is not null && poolIndex.TryGetValue(e.Pool, out var sp))
                    {
                        poolAlloc[sp] += e.Gpus;
                        poolUsed[sp] += UsedGpu(e, job);
                    }

                    if (e.Node is not null && e.Gpus > 0)
                    {
                        NodeFreeChanged(e.Node, -e.Gpus);
                    }

                    break;
                case RunEventKind.Stopped:
                    if (running.Remove(e.JobId, out var start))
                    {
                        allocGpu -= start.Gpus;
                        allocCpu -= start.CpuMilli;
                        usedGpu -= UsedGpu(start, job);
                        usedCpu -= UsedCpu(start, job);
                        if (start.Pool is not null && poolIndex.TryGetValue(start.Pool, out var pp))
                        {
                            poolAlloc[pp] -= start.Gpus;
                            poolUsed[pp] -= UsedGpu(start, job);
                        }

                        if (start.Node is not null && start.Gpus > 0)
                        {
                            NodeFreeChanged(start.Node, start.Gpus);
                        }
                    }

                    switch (e.Reason)
                    {
                        case StopReason.Completed:
                            completedAt[e.JobId] = t;
                            if (t <= w1)
                            {
                                completedInWindow++;
                            }

                            SetPending(job, false);
                            break;
                        case StopReason.Preempted:
                            preemptions++;
                            SetPending(job, true);
                            break;
                        default:
                            SetPending(job, false);
                            break;
                    }

                    break;
            }

            if (i + 1 == events.Count || events[i + 1].At != e.At)
            {
                fragmented = Fragmented();
            }
        }

        Advance(Math.Max(w1, last));
        backlog ??= Backlog();

        double Backlog() => pending.Sum(id => jobs[id].GpuSeconds) / 3600.0;

        var waits = workload.Jobs
            .Select(j => firstStart.TryGetValue(j.Id, out var s) ? s - j.Submit.TotalSeconds : endOfRun - j.Submit.TotalSeconds)
            .Order()
            .ToArray();
        var jcts = completedAt.Select(kv => kv.Value - jobs[kv.Key].Submit.TotalSeconds).Order().ToArray();

        double Fraction(double integral, double capacity) => window > 0 && capacity > 0 ? integral / (capacity * window) : 0;

        var pools = workload.Pools
            .Select((p, i) => new PoolMetrics(p, poolGpus[i], Fraction(intPoolAlloc[i], poolGpus[i]), Fraction(intPoolUsed[i], poolGpus[i])))
            .ToImmutableArray();
        var series = bucketWidth > 0
            ? buckets.Select((v, b) => new SeriesPoint((b + 0.5) * bucketWidth / 3600.0, v / (bucketWidth * fleetGpus))).ToImmutableArray()
            : [];
        var makespan = completedAt.Count == 0 ? 0 : completedAt.Values.Max() - w0;

        return new RunMetrics(
            policy,
            workload.OfferedLoad,
            Fraction(intUsedGpu, fleetGpus),
            Fraction(intAllocGpu, fleetGpus),
            Fraction(intUsedCpu, fleetCpu),
            Fraction(intAllocCpu, fleetCpu),
            Percentile.NearestRank(waits, 0.50),
            Percentile.NearestRank(waits, 0.95),
            Percentile.NearestRank(waits, 0.99),
            waits.Length == 0 ? 0 : waits.Average(),
            Percentile.NearestRank(jcts, 0.50),
            workload.Jobs.Length,
            completedInWindow,
            completedAt.Count,
            workload.Jobs.Count(j => !firstStart.ContainsKey(j.Id)),
            preemptions,
            fallbacks,
            makespan,
            backlog.Value,
            window > 0 ? intFragmented / window : 0,
            Fraction(intFragmented, fleetGpus),
            workload.ExcludedLongJobs,
            workload.ExcludedLongGpuTimeShare,
            wallSeconds,
            eventCount,
            wallSeconds > 0 ? eventCount / wallSeconds : 0,
            pools,
            series,
            [.. Enumerable.Range(0, 101).Select(q => Percentile.NearestRank(waits, q / 100.0))])
        {
            RightSizedStarts = log.Events.Count(e => e.Kind == RunEventKind.Started && e.Gpus < jobs[e.JobId].Gpus),
            StretchedStarts = log.Events.Count(e => e.Kind == RunEventKind.Started && RunTimeModel.Stretch(jobs[e.JobId], e.Gpus) > 1),
            CpuRightSizedStarts = log.Events.Count(e => e.Kind == RunEventKind.Started && e.CpuMilli < jobs[e.JobId].CpuMilli),
        };
    }
}
